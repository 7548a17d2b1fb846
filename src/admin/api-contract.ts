import { z } from 'zod';
import type { ZodOpenApiResponseObject } from 'zod-openapi';
import { reportContentTypes } from '../reports/index.js';
import * as input from './api-inputs.js';
import * as output from './api-outputs.js';
import { PROBLEM_CONTENT_TYPE } from './errors.js';

/**
 * The admin API (`/api/v1`) as data: each operation's method, path, what it takes and what it
 * answers, with zod schemas. The router mounts exactly these operations and checks their input
 * with these schemas (`api-routes.ts`); the OpenAPI document is generated from them
 * (`openapi.ts`). Paths are written as in OpenAPI (`{id}`), relative to `/api/v1`.
 */

export interface ApiOperation {
  method: 'get' | 'post';
  path: string;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodObject;
  responses: Record<string, ZodOpenApiResponseObject>;
  /** Answered without signing in (holds no data). */
  public?: true;
}

const json = (description: string, schema: z.ZodType): ZodOpenApiResponseObject => ({
  description,
  content: { 'application/json': { schema } },
});

const problemText: Record<number, string> = {
  400: 'Requête invalide : paramètre, chemin ou corps (BAD_REQUEST, MALFORMED_JSON)',
  401: 'Sans session ni jeton valide (UNAUTHENTICATED, INVALID_TOKEN)',
  403: 'Appel avec un cookie de session sans l’en-tête X-CSRF-Token de la session (CSRF_TOKEN_INVALID)',
  404: 'Introuvable (NOT_FOUND)',
  409: 'Contraire à l’état actuel (CONFLICT)',
  413: 'Corps trop volumineux (PAYLOAD_TOO_LARGE)',
  500: 'Erreur interne du service (INTERNAL_ERROR)',
  502: 'L’ATS n’a pas répondu (ATS_UNAVAILABLE)',
  503: 'Requête venue d’un proxy inverse non déclaré (PROXY_NOT_DECLARED)',
};

/** The refusals an operation may answer, each as `application/problem+json`. */
function problems(...statuses: number[]): Record<string, ZodOpenApiResponseObject> {
  const out: Record<string, ZodOpenApiResponseObject> = {};
  for (const status of [...statuses, 401, 500, 503].sort())
    out[String(status)] = {
      description: problemText[status]!,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: output.problem } },
    };
  return out;
}

/** The refusals of every write: a bad body, a missing CSRF token, a body too large. */
const writeProblems = [400, 403, 413];

export const apiOperations = {
  overview: {
    method: 'get',
    path: '/overview',
    summary: 'Vue d’ensemble de la campagne : comptes par état, alertes, offres à soumettre',
    query: input.overviewQuery,
    responses: { 200: json('La vue d’ensemble', output.overviewAnswer), ...problems(400) },
  },
  listOffers: {
    method: 'get',
    path: '/offers',
    summary: 'Les offres d’une campagne, filtrées, par pages',
    query: input.offersQuery,
    responses: { 200: json('Une page d’offres', output.offerPage), ...problems(400) },
  },
  getOffer: {
    method: 'get',
    path: '/offers/{source}/{atsId}/{campaign}',
    summary: 'Une offre : son enregistrement, ses commandes, son inscription sur la bourse, son registre',
    params: input.offerPath,
    responses: { 200: json('L’offre', output.offerDetail), ...problems(400, 404) },
  },
  offerTimeline: {
    method: 'get',
    path: '/offers/{source}/{atsId}/{campaign}/timeline',
    summary: 'Les entrées du registre d’une offre, dans l’ordre, par pages',
    params: input.offerPath,
    query: input.timelineQuery,
    responses: { 200: json('Une page d’entrées du registre', output.timelinePage), ...problems(400, 404) },
  },
  overrideScope: {
    method: 'post',
    path: '/offers/{source}/{atsId}/{campaign}/override',
    summary: 'Forcer le périmètre d’une offre (concernée, non concernée) ou retirer le forçage',
    params: input.offerPath,
    body: input.overrideBody,
    responses: { 200: json('L’état qui en résulte', output.actionResult), ...problems(...writeProblems, 404) },
  },
  reevaluate: {
    method: 'post',
    path: '/offers/{source}/{atsId}/{campaign}/reevaluate',
    summary: 'Évaluer l’offre à nouveau maintenant',
    params: input.offerPath,
    body: input.reasonBody,
    responses: { 200: json('L’état qui en résulte', output.actionResult), ...problems(...writeProblems, 404) },
  },
  markChecked: {
    method: 'post',
    path: '/offers/{source}/{atsId}/{campaign}/checked',
    summary: 'L’offre signalée « à vérifier » a été vérifiée (409 si elle ne l’est pas)',
    params: input.offerPath,
    body: input.reasonBody,
    responses: { 200: json('Le signalement est levé', output.checkedAnswer), ...problems(...writeProblems, 404, 409) },
  },
  recordBoardEntry: {
    method: 'post',
    path: '/offers/{source}/{atsId}/{campaign}/en3s-board',
    summary: 'Le poste a été saisi sur la bourse en ligne des postes de l’EN3S',
    params: input.offerPath,
    body: input.boardEntryBody,
    responses: {
      200: json('Inscription remplacée (superseded) ou répétée (unchanged)', output.boardAnswer),
      201: json('Première inscription (created)', output.boardAnswer),
      ...problems(...writeProblems, 404, 409),
    },
  },
  listDeadLetters: {
    method: 'get',
    path: '/outbox/dead',
    summary: 'Les commandes abandonnées par le répartiteur, les plus récentes d’abord, par pages',
    query: input.deadLettersQuery,
    responses: { 200: json('Une page de commandes', output.commandPage), ...problems(400) },
  },
  retryCommand: {
    method: 'post',
    path: '/outbox/{id}/retry',
    summary: 'Relancer une commande abandonnée (409 si elle ne l’est pas)',
    params: input.commandPath,
    body: input.reasonBody,
    responses: {
      200: json('La commande, de nouveau en attente', output.retryAnswer),
      ...problems(...writeProblems, 404, 409),
    },
  },
  reconcile: {
    method: 'post',
    path: '/reconcile',
    summary: 'Lire maintenant les offres modifiées dans l’ATS depuis la dernière réconciliation',
    body: input.reasonBody,
    responses: {
      200: json('Le résultat de la réconciliation', output.reconcileOutcome),
      ...problems(...writeProblems, 502),
    },
  },
  status: {
    method: 'get',
    path: '/status',
    summary: 'L’état du connecteur et sa configuration (secrets masqués)',
    responses: { 200: json('L’état et les réglages', output.statusAnswer), ...problems() },
  },
  listReportRuns: {
    method: 'get',
    path: '/reports/runs',
    summary: 'Les rapports produits (ligne de commande, planifiés, API), les plus récents d’abord, par pages',
    query: input.reportRunsQuery,
    responses: { 200: json('Une page de rapports', output.reportRunPage), ...problems(400) },
  },
  createReport: {
    method: 'post',
    path: '/reports',
    summary: 'Produire un rapport dans le dossier des rapports du service',
    body: input.reportRequestBody,
    responses: { 201: json('Le rapport produit', output.reportRun), ...problems(...writeProblems, 409) },
  },
  getReportRun: {
    method: 'get',
    path: '/reports/runs/{id}',
    summary: 'Un rapport produit',
    params: input.runPath,
    responses: { 200: json('Le rapport', output.reportRun), ...problems(400, 404) },
  },
  getReportFile: {
    method: 'get',
    path: '/reports/runs/{id}/file',
    summary: 'Le fichier d’un rapport, s’il a encore l’empreinte SHA-256 enregistrée (409 sinon)',
    params: input.runPath,
    responses: {
      200: {
        description: 'Le fichier (son empreinte dans X-Content-SHA256)',
        content: Object.fromEntries(
          Object.values(reportContentTypes).map((type) => [
            type,
            { schema: type.startsWith('application/json') ? z.unknown() : z.string().meta({ format: 'binary' }) },
          ]),
        ),
      },
      ...problems(400, 404, 409),
    },
  },
  openapi: {
    method: 'get',
    path: '/openapi.json',
    summary: 'Ce document (OpenAPI 3.1), sans authentification',
    public: true,
    responses: {
      200: json('Le document OpenAPI', z.looseObject({ openapi: z.literal('3.1.0'), paths: z.looseObject({}) })),
    },
  },
} satisfies Record<string, ApiOperation>;

export type ApiOperationId = keyof typeof apiOperations;

/** The express path of an OpenAPI path (`{id}` → `:id`). */
export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
