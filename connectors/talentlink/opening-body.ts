import type { JobSnapshot } from '../../src/domain/job-snapshot.js';
import type { Organism } from '../../src/domain/offer.js';
import { fold, type OrganismRecognizer } from '../../src/domain/organisms.js';
import type { Unreadable } from './classification-values.js';
import type { OpeningDto } from './rest/dto.js';

/**
 * The recruiting body of a TalentLink job, from its place in the tenant's organisation tree
 * (docs/talentlink.md §3): the job's `organization` (its `department` when it has none), then each ancestor
 * in `structure`, nearest first. The first node whose name is a body wins. The real API gives
 * no body code, so names alone are recognised.
 *
 * A body that needs its territory (a CGSS) and does not name it is placed with the rest of its
 * branch (« CGSS » under « Guadeloupe »). Without one, it is kept with no time zone, as the
 * older mapping does, and the decision says the territory is missing.
 */

type Node = NonNullable<OpeningDto['organization']>;
type StructureNode = NonNullable<Node['structure']>[number];

export interface BodyReading {
  organization: JobSnapshot['organization'];
  organism: Organism | null;
}

/**
 * Ancestors nearest first. `level` counts from the root (1), so the nearest ancestor has the
 * highest level; ancestors without a level keep the document's order after the others.
 */
function nearestFirst(node: Node): StructureNode[] {
  const ancestors = (node.structure ?? []).filter((a) => node.id === null || node.id === undefined || a.id !== node.id);
  const leveled = ancestors.filter((a) => typeof a.level === 'number');
  const unleveled = ancestors.filter((a) => typeof a.level !== 'number');
  return [...leveled.sort((a, b) => b.level! - a.level!), ...unleveled];
}

const idText = (id: number | null | undefined): string => (id === null || id === undefined ? '' : String(id));

export type BodyReader = (opening: OpeningDto, unreadable: Unreadable[]) => BodyReading;

/** `notBodies`: names of ancestors (the tenant's roots) never read as the recruiting body. */
export function createBodyReader(organisms: OrganismRecognizer, notBodies: readonly string[]): BodyReader {
  const skipped = new Set(notBodies.map(fold));

  /** The same body type, recognised again with another node's name beside it, to find its territory. */
  function placed(found: Organism, bodyName: string, others: readonly string[]): Organism {
    for (const other of others) {
      const again = organisms.recognize(other, bodyName).organism;
      if (again && again.type === found.type && again.territory !== null) return again;
    }
    return found;
  }

  return (opening, unreadable) => {
    const node = opening.organization ?? opening.department ?? null;
    if (node === null) {
      unreadable.push({
        field: 'organism',
        key: 'organization',
        value: '',
        expected: "l'organisation de l'offre (organization ou department)",
      });
      return { organization: { atsId: '', name: '', ancestors: [] }, organism: null };
    }
    const ancestors = nearestFirst(node);
    const organization = {
      atsId: idText(node.id),
      name: node.name ?? '',
      ancestors: ancestors.map((a) => ({ atsId: idText(a.id), name: a.name ?? '' })),
    };
    const chain = [organization.name, ...organization.ancestors.map((a) => a.name)];
    const candidates = [
      organization.name,
      ...organization.ancestors.map((a) => a.name).filter((name) => !skipped.has(fold(name))),
    ];
    for (const name of candidates) {
      if (name.trim() === '') continue;
      const recognition = organisms.recognize('', name);
      if (!recognition.organism) continue;
      const organism = recognition.territoryMissing
        ? placed(
            recognition.organism,
            name,
            chain.filter((other) => other !== name && other.trim() !== ''),
          )
        : recognition.organism;
      return { organization, organism };
    }
    return { organization, organism: null };
  };
}
