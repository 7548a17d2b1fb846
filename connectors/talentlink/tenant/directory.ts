import { z } from 'zod';

/**
 * The people and the organisation tree of the simulated tenant: the users a team can name
 * (the EN3S approver « EN3S dérogation » among them) and the departments a job belongs to.
 * Ids are fixed numbers so that tests and the demo can name them.
 */

export const tenantUserSchema = z.object({
  id: z.number().int().positive(),
  login: z.string().min(1),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().nullable().default(null),
  language: z.string().default('fr_FR'),
  status: z.string().default('ACTIVE'),
});
export type TenantUser = z.infer<typeof tenantUserSchema>;

export const tenantDepartmentSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  code: z.string().min(1),
  parentId: z.number().int().positive().nullable().default(null),
});
export type TenantDepartment = z.infer<typeof tenantDepartmentSchema>;

/** The EN3S approver's login (`mappings/talentlink.yaml > en3sApprover.login`). */
export const EN3S_APPROVER_LOGIN = 'en3s.derogation';

const user = (id: number, login: string, firstName: string, lastName: string, email: string | null): TenantUser => ({
  id,
  login,
  firstName,
  lastName,
  email,
  language: 'fr_FR',
  status: 'ACTIVE',
});

export const defaultUsers: TenantUser[] = [
  user(100, 'demo', 'Intégration', 'API', null),
  user(101, EN3S_APPROVER_LOGIN, 'EN3S', 'dérogation', 'en3s.derogation@exemple.fr'),
  user(111, 'recruteur1', 'Sophie', 'Marchand', 'recruteur1@exemple.fr'),
  user(112, 'recruteur2', 'Nadia', 'Benali', 'recruteur2@exemple.fr'),
  user(113, 'recruteur3', 'Thomas', 'Garnier', 'recruteur3@exemple.fr'),
  user(114, 'recruteur4', 'Julien', 'Bastide', 'recruteur4@exemple.fr'),
  user(121, 'directeur1', 'Claire', 'Vidal', 'directeur1@exemple.fr'),
  user(122, 'directeur2', 'Marc', 'Wojcik', 'directeur2@exemple.fr'),
];

const dept = (id: number, name: string, code: string, parentId: number | null): TenantDepartment => ({
  id,
  name,
  code,
  parentId,
});

/** UCANSS at the root (level 1), the régimes (2), the bodies (3), a few services (4). */
export const defaultDepartments: TenantDepartment[] = [
  dept(1, 'UCANSS', 'UCANSS', null),
  dept(10, 'Régime général', 'RG', 1),
  dept(11, 'Régime agricole', 'MSA', 1),
  dept(12, 'Régime des mines', 'MINES', 1),
  dept(13, 'Régimes spéciaux', 'RS', 1),
  dept(14, 'Agences régionales de santé', 'ARS', 1),
  dept(15, 'Groupements', 'GIP', 1),
  dept(101, 'CPAM de la Gironde', 'CPAM-GIRONDE', 10),
  dept(102, 'CAF du Nord', 'CAF-NORD', 10),
  dept(103, 'URSSAF Île-de-France', 'URSSAF-IDF', 10),
  dept(104, 'CARSAT Alsace-Moselle', 'CARSAT-ALSACE-MOSELLE', 10),
  dept(105, 'Cnav', 'CNAV', 10),
  dept(106, 'Ucanss', 'UCANSS-SIEGE', 10),
  dept(107, 'CGSS de la Réunion', 'CGSS-REUNION', 10),
  dept(108, 'CGSS Martinique', 'CGSS-MARTINIQUE', 10),
  dept(109, 'CSS de Mayotte', 'CSS-MAYOTTE', 10),
  dept(111, 'MSA Midi-Pyrénées Nord', 'MSA-MPN', 11),
  dept(112, 'CCMSA', 'CCMSA', 11),
  dept(121, 'CANSSM - Filieris', 'CANSSM-FILIERIS', 12),
  dept(131, 'CNIEG', 'CNIEG', 13),
  dept(132, 'CRPCEN', 'CRPCEN', 13),
  dept(133, 'CNMSS', 'CNMSS', 13),
  dept(134, 'ENIM', 'ENIM', 13),
  dept(135, 'Cavimac', 'CAVIMAC', 13),
  dept(141, 'ARS Occitanie', 'ARS-OCCITANIE', 14),
  dept(151, 'GIP Modernisation des déclarations sociales', 'GIP-MDS', 15),
  dept(1011, 'Service des prestations', 'CPAM-GIRONDE-PRESTATIONS', 101),
  dept(1021, 'Direction des ressources humaines', 'CAF-NORD-DRH', 102),
];

export interface DepartmentNode {
  id: number;
  name: string;
  parentId: number | null;
  level: number;
}

/** The tenant's users and tree, checked once: a bad tree is a bug in the options, so it throws. */
export class Directory {
  readonly users: ReadonlyMap<number, TenantUser>;
  private readonly departments = new Map<number, TenantDepartment>();
  private readonly levels = new Map<number, number>();

  constructor(users: readonly TenantUser[], departments: readonly TenantDepartment[]) {
    this.users = new Map(users.map((u) => [u.id, u]));
    if (this.users.size !== users.length) throw new Error('tenant options.users: two users share an id');
    for (const d of departments) {
      if (this.departments.has(d.id)) throw new Error(`tenant options.departments: id ${d.id} used twice`);
      this.departments.set(d.id, d);
    }
    for (const d of departments) this.levels.set(d.id, this.walk(d.id).length);
  }

  /** The chain from a department up to its root, itself first; throws on a dangling parent or a cycle. */
  private walk(id: number): TenantDepartment[] {
    const chain: TenantDepartment[] = [];
    let current = this.departments.get(id);
    while (current) {
      if (chain.includes(current)) throw new Error(`tenant options.departments: cycle through ${current.id}`);
      chain.push(current);
      if (current.parentId === null) return chain;
      const parent = this.departments.get(current.parentId);
      if (!parent)
        throw new Error(`tenant options.departments: ${current.id} names an unknown parent ${current.parentId}`);
      current = parent;
    }
    return chain;
  }

  department(id: number): TenantDepartment | undefined {
    return this.departments.get(id);
  }

  allDepartments(): TenantDepartment[] {
    return [...this.departments.values()];
  }

  node(id: number): DepartmentNode | undefined {
    const d = this.departments.get(id);
    return d ? { id: d.id, name: d.name, parentId: d.parentId, level: this.levels.get(id) ?? 1 } : undefined;
  }

  /** Ancestors nearest first, the parent down to the root (the department itself is not among them). */
  ancestors(id: number): DepartmentNode[] {
    return this.walk(id)
      .slice(1)
      .map((d) => this.node(d.id)!);
  }

  userByLogin(login: string): TenantUser | undefined {
    return [...this.users.values()].find((u) => u.login === login);
  }

  fullName(u: TenantUser): string {
    return `${u.firstName} ${u.lastName}`.trim();
  }
}
