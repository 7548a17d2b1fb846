import { basename } from 'node:path';
import nodemailer from 'nodemailer';
import type { DueRun } from './schedule.js';

/**
 * Optional delivery of the scheduled reports by e-mail, over SMTP with nodemailer, to the
 * configured server only. Sending is an expected failure (the server may be down): the result
 * says so, the reports stay on disk and in `report_runs`. Addresses never reach the logs.
 */

export interface MailSettings {
  /** `smtp://host:port`, `smtps://user:password@host:465`…; empty: no e-mail. */
  url: string;
  from: string;
  to: readonly string[];
}

export type SendResult = { ok: true; messageId: string } | { ok: false; error: string };

export interface ReportMailer {
  send(runs: readonly { run: DueRun; path: string; sha256: string; rows: number }[]): Promise<SendResult>;
}

const kindLabel = { weekly: 'rapport hebdomadaire', final: 'rapport final et récapitulatif par réseau' } as const;

/** The mailer of the settings, or null when e-mail is not configured. */
export function createReportMailer(settings: MailSettings): ReportMailer | null {
  if (settings.url === '' || settings.to.length === 0 || settings.from === '') return null;
  const transport = nodemailer.createTransport(settings.url);
  return {
    async send(runs) {
      const first = runs[0];
      if (!first) return { ok: false, error: 'nothing to send' };
      const slot = first.run.slot;
      const lines = runs.map((r) => `- ${basename(r.path)} : ${r.rows} offre(s), SHA-256 ${r.sha256}`);
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: [...settings.to],
          subject: `Période EN3S — campagne ${slot.campaign} : ${kindLabel[slot.kind]}`,
          text: [
            'Bonjour,',
            '',
            `Veuillez trouver ci-joint le ${kindLabel[slot.kind]} de la période EN3S (campagne ${slot.campaign}), ` +
              `produit par le connecteur EN3S.`,
            '',
            ...lines,
            '',
            "Les empreintes SHA-256 permettent de vérifier que les fichiers n'ont pas été modifiés.",
          ].join('\n'),
          attachments: runs.map((r) => ({ filename: basename(r.path), path: r.path })),
        });
        return { ok: true, messageId: String(info.messageId) };
      } catch (error) {
        // The SMTP error, without the addresses it may quote.
        const code =
          (error as { code?: string; responseCode?: number }).code ??
          (error as { responseCode?: number }).responseCode ??
          'SMTP';
        return { ok: false, error: `envoi impossible (${String(code)})` };
      }
    },
  };
}
