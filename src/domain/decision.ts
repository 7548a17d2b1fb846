/**
 * The eligibility decision for one offer at one instant: whether the période EN3S concerns it,
 * whether the window is open, and why — each reason citing its text.
 */

export interface Reason {
  /** Stable machine code, e.g. `REGIME_LEVEL_IN_SCOPE`, `AGENT_DE_DIRECTION`, `LEVEL_MISSING`. */
  code: string;
  /** French, for administrators. */
  message: string;
  /** The text and section, e.g. `Instruction DSS/4B/2026/34 §1.1`. */
  source: string;
  /**
   * French, present when the reason rests on a reading the texts do not state, and saying what
   * it rests on, e.g. « lecture : le libellé « Niv. VII » est lu comme le niveau 7 ». Every
   * reading the engine can make is listed in `readings.ts` (`en3s rulesets --readings`).
   */
  reading?: string;
}

export interface Decision {
  /** `null` when undetermined (missing or unreadable data): never silently `false`. */
  concerned: boolean | null;
  windowOpen: boolean;
  /** `concerned && windowOpen`; `null` when undetermined and the window is open. */
  requiresEn3sApproval: boolean | null;
  /** Id of the rule set in force at the instant (`DSS/4B/2026/34`), `null` before any. */
  ruleSet: string | null;
  /** Régime key under that rule set (`general`, `agricole`, `mines`, `speciaux`, `ars`, `rsi`), `null` when unknown. */
  regime: string | null;
  organismType: string | null;
  /**
   * The campaign window of the instant's year, in the body's time zone. For a body that cannot be
   * placed (a CGSS without its island) it spans its possible zones, never Paris's: `start` is the
   * first opening (with that zone's offset), `end` the last closing, `timeZone` the zone closing last.
   */
  window: { campaign: number; start: string; end: string; timeZone: string };
  reasons: readonly Reason[];
  /** Canonical field paths whose absence or unreadable value made the decision undetermined. */
  missing: readonly string[];
}
