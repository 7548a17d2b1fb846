import { loadTalentLinkMapping, toOffer } from '../../connectors/talentlink/mapping.js';
import { evaluate } from '../../src/domain/eligibility.js';
import type { Offer } from '../../src/domain/offer.js';
import { loadDomainData } from '../../src/mappings/load.js';
import { jobDocument, type JobSpec } from './job-documents.js';

/** The shipped mappings, loaded once per test file, and shortcuts over them. */
export const data = loadDomainData();
export const talentlink = loadTalentLinkMapping();

export function offerOf(spec: JobSpec): Offer {
  return toOffer(jobDocument(spec), talentlink, data.organisms);
}

export function decide(spec: JobSpec, at: string) {
  return evaluate(offerOf(spec), new Date(at), data.ruleSets);
}
