import client from 'prom-client';

/**
 * The gauges of what stands between the service and the ATS: the shared call budget with the
 * API key's monthly quota (true across instances: read from the database), and this instance's
 * circuit breaker. Each is read when scraped; a value that cannot be read, or does not exist
 * (no quota, a port without a breaker), leaves its series out rather than showing 0, so an alert
 * never takes an unknown for a figure.
 */

/** What `/metrics` shows of the shared call budget (`CallBudgetSnapshot` of `src/pipeline/call-budget.ts`). */
export interface BudgetReading {
  callsPerSecond: number;
  inWindow: number;
  quota: { limit: number | null; used: number; left: number | null };
  stoppedUntil: string | null;
}

/** What `/metrics` shows of the ATS client's circuit breaker (`CircuitSnapshot` of the connector). */
export interface CircuitReading {
  state: 'closed' | 'half-open' | 'open';
  consecutiveFailures: number;
}

/** The value of `en3s_ats_circuit_state` for each state: the higher, the less the ATS is called. */
export const circuitStateValues: Readonly<Record<CircuitReading['state'], number>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

export interface AtsGauges {
  /** Reads the shared budget when scraped (set once the budget exists). */
  watchBudget(read: () => Promise<BudgetReading>): void;
  /** Reads this instance's circuit breaker when scraped (a port without one gives undefined). */
  watchCircuit(read: () => CircuitReading | undefined): void;
}

/**
 * A gauge without labels whose series is left out of a scrape when `read` gives null (prom-client
 * shows an unset gauge as 0 otherwise).
 */
function optionalGauge(
  registry: client.Registry,
  config: { name: string; help: string; read: () => Promise<number | null> | number | null },
): void {
  let present = false;
  class OptionalGauge extends client.Gauge {
    override async get() {
      const metric = await super.get();
      return present ? metric : { ...metric, values: [] };
    }
  }
  new OptionalGauge({
    name: config.name,
    help: config.help,
    registers: [registry],
    async collect() {
      const value = await config.read();
      present = value !== null;
      if (value !== null) this.set(value);
    },
  });
}

export function registerAtsGauges(registry: client.Registry): AtsGauges {
  let readBudget: (() => Promise<BudgetReading>) | null = null;
  // Every budget gauge of one scrape shares one reading of the database.
  let reading: Promise<BudgetReading | null> | null = null;
  const budget = (): Promise<BudgetReading | null> =>
    (reading ??= (async () => {
      try {
        return readBudget ? await readBudget() : null;
      } catch {
        return null;
      }
    })().finally(() => {
      reading = null;
    }));
  const fromBudget = (pick: (b: BudgetReading) => number | null) => async () => {
    const b = await budget();
    return b ? pick(b) : null;
  };
  optionalGauge(registry, {
    name: 'en3s_ats_budget_calls_per_second',
    help: 'ATS calls the shared budget grants per second, all instances together (the setting).',
    read: fromBudget((b) => b.callsPerSecond),
  });
  optionalGauge(registry, {
    name: 'en3s_ats_budget_calls_in_window',
    help: 'ATS calls granted in the current window of the shared budget, all instances together.',
    read: fromBudget((b) => b.inWindow),
  });
  optionalGauge(registry, {
    name: 'en3s_ats_quota_left',
    help: 'Calls left in the rolling 30 days of the monthly quota (absent when the key has none).',
    read: fromBudget((b) => b.quota.left),
  });
  optionalGauge(registry, {
    name: 'en3s_ats_quota_used',
    help: 'ATS calls made in the rolling 30 days, all instances together (what the monthly quota counts).',
    read: fromBudget((b) => b.quota.used),
  });
  optionalGauge(registry, {
    name: 'en3s_ats_quota_limit',
    help: 'The monthly quota of ATS calls of the API key (absent when the key has none).',
    read: fromBudget((b) => b.quota.limit),
  });
  optionalGauge(registry, {
    name: 'en3s_ats_calls_stopped',
    help: '1 while every instance holds its ATS calls because the monthly quota is spent.',
    // The budget runs on real time (the gateway's), whatever the business clock.
    read: fromBudget((b) => (b.stoppedUntil !== null && Date.parse(b.stoppedUntil) > Date.now() ? 1 : 0)),
  });

  let readCircuit: (() => CircuitReading | undefined) | null = null;
  const circuit = (): CircuitReading | undefined => {
    try {
      return readCircuit?.();
    } catch {
      return undefined;
    }
  };
  optionalGauge(registry, {
    name: 'en3s_ats_circuit_state',
    help: 'Circuit breaker of this instance towards the ATS: 0 closed, 1 half-open (one trial call), 2 open.',
    read: () => {
      const c = circuit();
      return c ? circuitStateValues[c.state] : null;
    },
  });
  optionalGauge(registry, {
    name: 'en3s_ats_consecutive_failures',
    help: 'Transient failures of ATS calls in a row on this instance (the circuit opens at its threshold).',
    read: () => circuit()?.consecutiveFailures ?? null,
  });

  return {
    watchBudget: (read) => {
      readBudget = read;
    },
    watchCircuit: (read) => {
      readCircuit = read;
    },
  };
}
