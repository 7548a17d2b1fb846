import { describe, expect, it } from 'vitest';
import type { JobDocument } from '../../../connectors/talentlink/job-document.js';
import { ParsedDocuments } from '../../../src/pipeline/parsed-documents.js';

const doc = (id: string) => ({ id, version: 1 }) as unknown as JobDocument;

describe('documents handed from the receiver to the inbox worker', () => {
  it('gives each document once, by source and event id', () => {
    const documents = new ParsedDocuments();
    documents.put('talentlink', 'evt-1', doc('1'));
    expect(documents.take('other', 'evt-1')).toBeUndefined();
    expect(documents.take('talentlink', 'evt-1')).toEqual(doc('1'));
    expect(documents.take('talentlink', 'evt-1')).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the oldest (their rows are parsed from the body)', () => {
    const documents = new ParsedDocuments(2);
    documents.put('talentlink', 'evt-1', doc('1'));
    documents.put('talentlink', 'evt-2', doc('2'));
    documents.put('talentlink', 'evt-3', doc('3'));
    expect(documents.size).toBe(2);
    expect(documents.take('talentlink', 'evt-1')).toBeUndefined();
    expect(documents.take('talentlink', 'evt-3')).toEqual(doc('3'));
  });
});
