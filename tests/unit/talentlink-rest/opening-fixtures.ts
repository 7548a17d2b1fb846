import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createOpeningMapper, loadOpeningMapping } from '../../../connectors/talentlink/opening-mapping.js';
import type { OpeningMapping } from '../../../connectors/talentlink/opening-mapping-schema.js';
import {
  positionsAnswerSchema,
  publishedAdvertsAnswerSchema,
  type OpeningDto,
  type PublishedAdvertDto,
} from '../../../connectors/talentlink/rest/dto.js';
import { jobSnapshotSchema, type JobSnapshot } from '../../../src/domain/job-snapshot.js';
import { loadDomainData } from '../../../src/mappings/load.js';

/**
 * What the opening mapping's tests share: the jobs of `tests/fixtures/talentlink-rest/` as the
 * real API sends them, the shipped mapping, and a mapper whose every snapshot is checked against
 * `jobSnapshotSchema`.
 */

const fixtures = fileURLToPath(new URL('../../fixtures/talentlink-rest/', import.meta.url));
const json = (file: string): unknown => JSON.parse(readFileSync(fixtures + file, 'utf8'));

/** The job of a `GET /position` answer, validated by the client's own schema as the client would. */
export const job = (file: string, overrides: Partial<OpeningDto> = {}): OpeningDto => ({
  ...positionsAnswerSchema.parse(json(file)).data.positions![0]!,
  ...overrides,
});
export const adverts = (file: string): PublishedAdvertDto[] =>
  publishedAdvertsAnswerSchema.parse(json(file)).data.publishedAdverts!;

export const CARSAT = 'positions--carsat-bretagne.json';
export const CGSS = 'positions--cgss-guadeloupe-service-rh.json';
export const MSA = 'positions--msa-armorique.json';
export const MINES = 'positions--filieris-nord.json';
export const UNKNOWN_STATUS = 'positions--cpam-gironde-statut-inconnu.json';
export const NO_ORGANIZATION = 'positions--urssaf-sans-organisation.json';

export const shipped = loadOpeningMapping();
export const { organisms } = loadDomainData();
export const FETCHED_AT = '2027-01-26T11:15:00.000Z';

/** The shipped mapping with some of its parts replaced, as an integrator would edit the file. */
export function editedMapping(edit: (m: OpeningMapping) => void): OpeningMapping {
  const copy = structuredClone(shipped);
  edit(copy);
  return copy;
}

export function snapshot(
  opening: OpeningDto,
  postings: PublishedAdvertDto[] | null = null,
  mapping = shipped,
): JobSnapshot {
  const outcome = createOpeningMapper(mapping, organisms)(opening, postings, FETCHED_AT);
  if (!outcome.ok) throw new Error(`expected a snapshot, got ${outcome.error.code}: ${outcome.error.message}`);
  return jobSnapshotSchema.parse(outcome.value);
}
