import { join } from 'node:path';
import type { AtsFailure, AtsOutcome } from '../ats-port.js';
import type { JobPosting, JobSnapshot, JobStatusMeaning, TeamMember } from '../../src/domain/job-snapshot.js';
import { fold, type OrganismRecognizer } from '../../src/domain/organisms.js';
import { MappingError, readYamlFile } from '../../src/mappings/yaml-file.js';
import { mappingsDir } from '../../src/paths.js';
import type { Unreadable } from './classification-values.js';
import { createBodyReader } from './opening-body.js';
import { createClassificationReader } from './opening-fields.js';
import { openingMappingSchema, type OpeningMapping } from './opening-mapping-schema.js';
import { isoFromMs } from './rest/answers.js';
import type { MapOpening } from './rest/context.js';
import type { OpeningDto, PublishedAdvertDto } from './rest/dto.js';
import { showValue } from './zod-issues.js';

/**
 * A job of the real TalentLink REST API (`OpeningFullDto`, docs/talentlink.md §3) → the neutral
 * `JobSnapshot`, through `mappings/talentlink.yaml` (where each classification field lives,
 * what each status means) and `mappings/organismes.yaml` (the body).
 *
 * Only what a snapshot cannot do without makes the document unusable (`permanent
 * INVALID_RESPONSE` naming the path): its id, its last change (`updateDate` orders two reads of
 * a job), its creation and its reference. Anything else missing or unreadable becomes null (or
 * is left out) and is listed in `unreadable`, so that the decision says "à vérifier" and names
 * it. People are ids: no name, login or e-mail of the team reaches the snapshot.
 */

export function loadOpeningMapping(dir: string = mappingsDir()): OpeningMapping {
  const result = readYamlFile(join(dir, 'talentlink.yaml'), openingMappingSchema);
  if (!result.ok) throw new MappingError(result.problems);
  return result.value;
}

const invalid = (path: string, expected: string, got: unknown): { ok: false; error: AtsFailure } => ({
  ok: false,
  error: {
    kind: 'permanent',
    code: 'INVALID_RESPONSE',
    message: `opening.${path}: expected ${expected}, got ${showValue(got)}`,
  },
});

type Essentials = Pick<JobSnapshot, 'atsId' | 'jobNumber' | 'createdAt' | 'updatedAt'>;

function essentials(opening: OpeningDto): AtsOutcome<Essentials> {
  const id: unknown = opening.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return invalid('id', 'an integer', id);
  const updatedAt = typeof opening.updateDate === 'number' ? isoFromMs(opening.updateDate) : undefined;
  if (updatedAt === undefined)
    return invalid('updateDate', "epoch milliseconds within a date's range", opening.updateDate);
  const createdAt = typeof opening.creationDate === 'number' ? isoFromMs(opening.creationDate) : undefined;
  if (createdAt === undefined)
    return invalid('creationDate', "epoch milliseconds within a date's range", opening.creationDate);
  const jobNumber = opening.jobNumber?.trim();
  if (!jobNumber) return invalid('jobNumber', 'a non-empty text', opening.jobNumber);
  return { ok: true, value: { atsId: String(id), jobNumber, createdAt, updatedAt } };
}

type TeamList = 'recruiters' | 'operationals' | 'approvers';
type MemberDto = {
  order?: number | null;
  lovValue?: string | null;
  stepOrder?: number | null;
  user?: { id?: number | null } | null;
};

/**
 * A team's members by user id. A member without a user id or an order cannot be written back
 * (docs/talentlink.md §4: `{order, user: {id}}`), so it is left out and listed: the team the connector would
 * send with EN3S added would silently lose it.
 */
function members(
  list: TeamList,
  dtos: readonly MemberDto[] | null | undefined,
  unreadable: Unreadable[],
): TeamMember[] {
  const out: TeamMember[] = [];
  for (const [index, dto] of (dtos ?? []).entries()) {
    const userId = dto.user?.id;
    if (typeof userId !== 'number' || typeof dto.order !== 'number') {
      unreadable.push({
        field: `team.${list}`,
        key: `team.${list}[${index}]`,
        value: dto.lovValue ?? '',
        expected: 'un membre avec un ordre (order) et un utilisateur (user.id)',
      });
      continue;
    }
    out.push({
      userId: String(userId),
      order: dto.order,
      stepOrder: list === 'approvers' ? (dto.stepOrder ?? null) : null,
      role: dto.lovValue ?? null,
    });
  }
  return out;
}

function postingsOf(dtos: readonly PublishedAdvertDto[] | null, unreadable: Unreadable[]): JobPosting[] | null {
  if (dtos === null) return null;
  return dtos.map((dto, index) => {
    const postedMs = dto.postingStartDate ?? dto.creationDate ?? null;
    const postedAt = postedMs === null ? null : (isoFromMs(postedMs) ?? null);
    if (postedMs !== null && postedAt === null) {
      unreadable.push({
        field: 'postings.postedAt',
        key: `postings[${index}].postingStartDate`,
        value: String(postedMs),
        expected: 'une date',
      });
    }
    return { id: String(dto.id), atsStatus: dto.status ?? null, postedAt };
  });
}

export function createOpeningMapper(mapping: OpeningMapping, organisms: OrganismRecognizer): MapOpening {
  const readClassification = createClassificationReader(mapping.classificationFields);
  const readBody = createBodyReader(organisms, mapping.organizationTree.notBodies);
  const statuses = new Map<string, JobStatusMeaning>(
    Object.entries(mapping.jobStatuses).map(([text, meaning]) => [fold(text), meaning]),
  );
  const statusesExpected = `un des statuts ${Object.keys(mapping.jobStatuses).join(', ')}`;

  return (opening, postings, fetchedAt) => {
    const essential = essentials(opening);
    if (!essential.ok) return essential;
    const unreadable: Unreadable[] = [];

    const title = opening.jobTitle?.trim() ?? '';
    if (title === '')
      unreadable.push({
        field: 'title',
        key: 'jobTitle',
        value: opening.jobTitle ?? '',
        expected: "l'intitulé de l'offre",
      });

    const classification = readClassification(opening, unreadable);
    const { organization, organism } = readBody(opening, unreadable);

    const atsStatus = opening.status ?? '';
    const status = statuses.get(fold(atsStatus)) ?? 'UNKNOWN';
    if (status === 'UNKNOWN')
      unreadable.push({ field: 'status', key: 'status', value: atsStatus, expected: statusesExpected });

    const team = {
      recruiters: members('recruiters', opening.team?.recruiters, unreadable),
      operationals: members('operationals', opening.team?.operationals, unreadable),
      approvers: members('approvers', opening.team?.approvers, unreadable),
    };

    const snapshot: JobSnapshot = {
      source: 'talentlink',
      ...essential.value,
      requisitionNumber: opening.requisitionNumber?.trim() || null,
      title,
      fetchedAt,
      organization,
      organism,
      classification,
      status,
      atsStatus,
      team,
      postings: postingsOf(postings, unreadable),
      unreadable,
    };
    return { ok: true, value: snapshot };
  };
}
