import { DateTime } from 'luxon';
import { ruleSetAt, type CompiledRuleSet } from '../domain/rulesets.js';
import type { DomainData } from '../mappings/load.js';

/**
 * The campaign the dashboard shows by default and its window in mainland France, from the rule
 * sets (data). By default the campaign is the year in Paris, as for the metrics: from May to
 * December administrators still see the campaign that just ended (its final state, its report);
 * offers created after the window already belong to the next one, a click away.
 */

export interface CampaignView {
  campaign: number;
  /** The window in Paris time, end exclusive (ISO instants). */
  start: string;
  end: string;
  timeZone: string;
  status: 'upcoming' | 'open' | 'closed';
  /** The text in force now, and the one that governs the campaign's window. */
  ruleSetNow: CompiledRuleSet | null;
}

function calendarFor(domain: DomainData, year: number) {
  const zone = domain.organismsFile.defaultTimeZone;
  const jan1 = DateTime.fromObject({ year, month: 1, day: 1 }, { zone }).toMillis();
  const list = domain.ruleSets.list;
  return (ruleSetAt(domain.ruleSets, jan1) ?? list[list.length - 1])?.calendar ?? domain.ruleSets.fallbackCalendar;
}

export function currentCampaign(domain: DomainData, now: Date): number {
  return DateTime.fromJSDate(now, { zone: domain.organismsFile.defaultTimeZone }).year;
}

export function campaignView(domain: DomainData, campaign: number, now: Date): CampaignView {
  const zone = domain.organismsFile.defaultTimeZone;
  const window = calendarFor(domain, campaign).window(campaign, zone);
  const ms = now.getTime();
  return {
    campaign,
    start: window.view.start,
    end: window.view.end,
    timeZone: zone,
    status: ms < window.startMs ? 'upcoming' : ms < window.endMs ? 'open' : 'closed',
    ruleSetNow: ruleSetAt(domain.ruleSets, ms),
  };
}
