import type { Config } from '../config.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { AccessSettings } from './access-config.js';
import type { ActionDeps } from './actions.js';
import type { ReportsDeps } from './reports.js';
import type { OperationsDeps } from './status.js';

/** What the page and API routes share, built once by `createAdminRouter`. */
export interface RouteDeps {
  ctx: PipelineContext;
  config: Config;
  access: AccessSettings;
  actions: ActionDeps;
  operations: OperationsDeps;
  reports: ReportsDeps;
}
