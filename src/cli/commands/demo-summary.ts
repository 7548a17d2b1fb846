import type { Logger } from '../../logger.js';

/**
 * The demo's one-line French summary at the end of each phase: a phase is a burst of activity
 * (offers read, commands, mails, people acting) followed by `quietMs` without any. The counts are
 * taken from the lines the service logs, so they say what the log above them told.
 */

const ANSWERS = new Set(['approved', 'refused', 'refusal_observed']);

export interface DemoTally {
  offersSeen: number;
  approversSet: number;
  recruitersAsked: number;
  postingsTakenDown: number;
  en3sAnswers: number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

export function demoSummaryLine(t: DemoTally): string {
  return [
    plural(t.offersSeen, 'offre vue', 'offres vues'),
    plural(t.approversSet, 'approbateur posé', 'approbateurs posés'),
    plural(t.recruitersAsked, 'recruteur sollicité', 'recruteurs sollicités'),
    plural(t.postingsTakenDown, 'annonce retirée', 'annonces retirées'),
    plural(t.en3sAnswers, 'réponse de l’EN3S', 'réponses de l’EN3S'),
  ].join(', ');
}

/** A logger that counts what the demo tells, and logs the summary when a phase ends. */
export function summarisingLogger(log: Logger, quietMs = 2_500): { logger: Logger; stop(): void } {
  const seen = new Set<string>();
  const approvers = new Set<string>();
  const answers = new Set<string>();
  let recruitersAsked = 0;
  let postingsTakenDown = 0;
  let timer: NodeJS.Timeout | null = null;
  let lastSaid = '';
  const tally = (): DemoTally => ({
    offersSeen: seen.size,
    approversSet: approvers.size,
    recruitersAsked,
    postingsTakenDown,
    en3sAnswers: answers.size,
  });
  const endOfPhase = () => {
    timer = null;
    const counts = tally();
    const line = demoSummaryLine(counts);
    if (line === lastSaid) return;
    lastSaid = line;
    log.info(`démonstration, fin de phase : ${line}`, { demoSummary: counts });
  };
  const count = (message: string, meta: Record<string, unknown> | undefined) => {
    const job = String(meta?.jobId ?? '');
    if (message === 'offer state changed') {
      seen.add(job);
      if (meta?.to === 'awaiting_submission') approvers.add(job);
      if (ANSWERS.has(String(meta?.to))) answers.add(job);
      if (meta?.from === 'published_without_approval' && meta.to !== 'published_without_approval')
        postingsTakenDown += 1;
    } else if (message === 'mail sent' && meta?.audience === 'recruiters') recruitersAsked += 1;
    else if (message !== 'sandbox: a person acted in TalentLink') return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(endOfPhase, quietMs);
    timer.unref();
  };
  const logger: Logger = {
    info: (message, meta) => {
      log.info(message, meta);
      count(message, meta);
    },
    warn: (message, meta) => log.warn(message, meta),
    error: (message, meta) => log.error(message, meta),
    debug: (message, meta) => log.debug(message, meta),
  };
  return { logger, stop: () => timer && clearTimeout(timer) };
}
