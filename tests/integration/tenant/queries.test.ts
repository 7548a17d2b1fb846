import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  departmentsAnswerSchema,
  openingDtoSchema,
  positionsAnswerSchema,
  publishedAdvertsAnswerSchema,
  usersAnswerSchema,
} from '../../../connectors/talentlink/rest/dto.js';
import { OPENING_SELECTION, queries } from '../../../connectors/talentlink/rest/queries.js';
import { afterWindow, CPAM, DIRECTOR, EN3S, must, newJob, startTenant, type StartedTenant } from './helpers.js';

/** Spec §2–§3: the query language over real HTTP, and the OpeningFullDto the connector reads. */

let s: StartedTenant;
let jobs: number[];
beforeAll(async () => {
  s = await startTenant({ clock: { start: afterWindow, frozen: true } });
  jobs = [
    newJob(s.tenant, 'Responsable paie', [EN3S]),
    newJob(s.tenant, 'Auditeur interne'),
    newJob(s.tenant, 'Chef de projet'),
  ];
  must(
    s.tenant.driver.createJob({
      title: 'Chef de service comptabilité',
      organizationId: 121,
      classification: { grid: 'Régime des mines', minesScale: '13', minesCareerStart: 'oui' },
    }),
  );
  s.tenant.clock.advance(60_000);
  must(s.tenant.driver.editJob(jobs[1]!, { jobTitle: 'Auditeur interne confirmé' }));
});
afterAll(() => s.stop());

const positions = async (graphql: string) => {
  const a = await s.query('/position', graphql);
  expect(a.status, a.headers.get('x-request-error') ?? '').toBe(200);
  return a.json.data.positions as any[];
};

describe('the query language (docs/talentlink.md §2)', () => {
  it('reads one job with the selection the connector sends, valid against its zod schema', async () => {
    const a = await s.query('/position', queries.jobById(jobs[0]!));
    const parsed = positionsAnswerSchema.parse(a.json);
    const job = openingDtoSchema.parse(parsed.data.positions![0]);
    expect(job).toMatchObject({ id: jobs[0], jobTitle: 'Responsable paie', status: 'Brouillon' });
    expect(typeof job.creationDate).toBe('number');
    expect(job.organization).toMatchObject({ id: CPAM, name: 'CPAM de la Gironde', level: 3, parentId: 10 });
    expect(job.organization!.structure).toEqual([
      { id: 10, name: 'Régime général', parentId: 1, level: 2 },
      { id: 1, name: 'UCANSS', parentId: null, level: 1 },
    ]);
    expect(job.configurableFields!.lovs).toEqual(
      expect.arrayContaining([
        { nameLovId: 3001, valueLovId: 3001001, name: 'Grille de classification', value: 'Régime général' },
        { nameLovId: 3002, valueLovId: 3002008, name: 'Niveau ou groupe', value: '7' },
      ]),
    );
    expect(job.team!.approvers).toEqual([
      {
        order: 1,
        stepOrder: 1,
        lovValue: 'dérogation EN3S',
        user: { id: EN3S, login: 'en3s.derogation', fullName: 'EN3S dérogation', language: 'fr_FR' },
      },
    ]);
    // Every field of the selection comes back, and nothing else.
    const topLevel = [
      'id',
      'jobNumber',
      'requisitionNumber',
      'jobTitle',
      'status',
      'creationDate',
      'updateDate',
      'dueDate',
      'organization',
      'department',
      'configurableFields',
      'customFields',
      'team',
    ];
    expect(OPENING_SELECTION).toContain('dueDate');
    expect(Object.keys(a.json.data.positions[0]).sort()).toEqual([...topLevel].sort());
  });

  it('gives the mines free-form fields by name with stable ids', async () => {
    const [job] = await positions(
      '{ positions(where: {jobTitle_like: "Chef de service%"}) { configurableFields { ' +
        'freeFormFields { lovId name value } } } }',
    );
    expect(job.configurableFields.freeFormFields).toEqual([
      { lovId: 3101, name: 'Échelle (mines)', value: '13' },
      { lovId: 3102, name: 'Début de carrière (mines)', value: 'oui' },
    ]);
  });

  it('returns only selected fields, an empty selected object as null, an unknown job as an empty list', async () => {
    const [job] = await positions(
      `{ positions(where: {id_eq: ${jobs[1]}}) { id jobTitle dueDate team { operationals { order } } } }`,
    );
    expect(job).toEqual({ id: jobs[1], jobTitle: 'Auditeur interne confirmé', dueDate: null, team: null });
    expect(await positions('{ positions(where: {id_eq: 999999}) { id } }')).toEqual([]);
  });

  it('filters with _in, _gt, _like, _isNull and nested paths, sorts and pages', async () => {
    const all = await positions('{ positions(first: 100) { id } }');
    expect(all.map((j) => j.id)).toEqual([...jobs, jobs[2]! + 1]);
    expect(await positions(`{ positions(where: {id_in: [${jobs[0]}, ${jobs[2]}]}) { id } }`)).toEqual([
      { id: jobs[0] },
      { id: jobs[2] },
    ]);
    expect(
      (await positions(`{ positions(where: {id_gt: ${jobs[0]}, jobTitle_like: "%chef%"}) { id } }`)).map((j) => j.id),
    ).toEqual([jobs[2], jobs[2]! + 1]);
    expect(
      (await positions('{ positions(where: {team_approvers_user_login_eq: "en3s.derogation"}) { id } }')).map(
        (j) => j.id,
      ),
    ).toEqual([jobs[0]]);
    expect((await positions('{ positions(where: {dueDate_isNull: false}) { id } }')).length).toBe(0);
    const sorted = await positions('{ positions(sortBy: updateDate, orderBy: DESC, first: 2, after: 0) { id } }');
    expect(sorted[0].id).toBe(jobs[1]);
    const page2 = await positions('{ positions(sortBy: id, orderBy: ASC, first: 2, after: 2) { id } }');
    expect(page2.map((j) => j.id)).toEqual([jobs[2], jobs[2]! + 1]);
  });

  it("answers the connector's listing of changes since an instant (updateDate_ge, keyset)", async () => {
    const since = s.tenant.clock.nowMs() - 1;
    const a = await s.query('/position', queries.changedJobs(since, 100, 0));
    expect(positionsAnswerSchema.parse(a.json).data.positions!.map((j) => j.id)).toEqual([jobs[1]]);
  });

  it('reads postings of a job, one posting with its job, users by login, departments by level', async () => {
    const posting = must(s.tenant.driver.publish(jobs[1]!));
    const ofJob = publishedAdvertsAnswerSchema.parse(
      (await s.query('/publishedadvert', queries.postingsOfJob(jobs[1]!, 0))).json,
    );
    expect(ofJob.data.publishedAdverts).toEqual([
      expect.objectContaining({ id: posting.id, openingId: jobs[1], status: 'POSTED' }),
    ]);
    const withJob = publishedAdvertsAnswerSchema.parse(
      (await s.query('/publishedadvert', queries.postingWithJob(posting.id as number))).json,
    );
    expect(withJob.data.publishedAdverts![0]!.opening).toMatchObject({ id: jobs[1], status: 'Ouverte' });
    const users = usersAnswerSchema.parse((await s.query('/user', queries.userByLogin('en3s.derogation'))).json);
    expect(users.data.users).toEqual([{ id: EN3S, login: 'en3s.derogation' }]);
    const email = usersAnswerSchema.parse((await s.query('/user', queries.userEmail(DIRECTOR))).json);
    expect(email.data.users).toEqual([{ id: DIRECTOR, email: 'directeur1@exemple.fr' }]);
    const roots = departmentsAnswerSchema.parse(
      (await s.query('/department', '{ departments(where: {level_eq: 1}) { id name level } }')).json,
    );
    expect(roots.data.departments).toEqual([{ id: 1, name: 'UCANSS', level: 1 }]);
  });

  it('400 + X-Request-Error: bad syntax, unknown field, filter or argument, page over 100, wrong root', async () => {
    const cases = [
      ['/position', '{ positions(where: {id_eq: 1}) { id '],
      ['/position', '{ positions { id salary } }'],
      ['/position', '{ positions(where: {salary_eq: 1}) { id } }'],
      ['/position', '{ positions(where: {id_between: 1}) { id } }'],
      ['/position', '{ positions(limit: 5) { id } }'],
      ['/position', '{ positions(first: 101) { id } }'],
      ['/position', '{ positions(where: {id_eq: $id}) { id } }'],
      ['/position', '{ positions { organization } }'],
      ['/position', '{ users { id } }'],
      ['/user', '{ users { id } } { users { login } }'],
    ] as const;
    for (const [resource, graphql] of cases) {
      const a = await s.query(resource, graphql);
      expect(a.status, graphql).toBe(400);
      expect(a.headers.get('x-request-error'), graphql).toBeTruthy();
    }
  });
});
