import type { ReportOptions } from '../../src/reports/index.js';

/** A report of a whole campaign: every offer, no filter, every network counted in full. */
export function wholeCampaign(campaign: number): ReportOptions {
  return {
    campaign,
    asOf: null,
    network: null,
    regime: null,
    body: null,
    states: null,
    primaryNetworks: 'all',
  };
}
