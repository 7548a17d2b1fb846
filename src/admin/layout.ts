import type { Response } from 'express';
import type { Principal } from './auth.js';
import { html, type SafeHtml } from './html.js';

/**
 * The frame of every page: skip link, header with the navigation and the logout form, one
 * `<h1>` per page, then the page's content. Messages after an action are chosen by a code in
 * the URL (never text from the URL), so a crafted link cannot make the dashboard say anything.
 */

export type Section = 'overview' | 'offers' | 'commands' | 'queues' | 'mailbox' | 'reports' | 'settings';

const sections: [Section, string, string][] = [
  ['overview', '/admin', 'Vue d’ensemble'],
  ['offers', '/admin/offres', 'Offres'],
  ['commands', '/admin/commandes', 'Commandes en échec'],
  ['queues', '/admin/files', 'Files de l’ATS'],
  ['mailbox', '/admin/courriels', 'E-mails'],
  ['reports', '/admin/rapports', 'Rapports'],
  ['settings', '/admin/parametres', 'Paramètres'],
];

export const doneMessages: Record<string, string> = {
  override: 'Le périmètre de l’offre a été modifié ; l’action est inscrite au registre.',
  'override-removed': 'Le forçage du périmètre a été retiré ; l’action est inscrite au registre.',
  reevaluate: 'L’offre a été évaluée de nouveau ; l’action est inscrite au registre.',
  retry: 'La commande est remise en file d’attente ; l’action est inscrite au registre.',
  reconcile: 'La réconciliation avec l’ATS est terminée ; l’action est inscrite au registre.',
  'reconcile-failed': 'La réconciliation a échoué : l’ATS ne répond pas. L’action est inscrite au registre.',
  report: 'Le rapport a été produit.',
  'review-checked': 'L’offre est marquée comme vérifiée ; l’action est inscrite au registre.',
  'board-entry': 'La saisie du poste sur la bourse de l’EN3S est enregistrée ; l’action est inscrite au registre.',
};

export interface PageOptions {
  title: string;
  section: Section | null;
  principal: Principal | null;
  body: SafeHtml;
  /** A key of `doneMessages`. */
  done?: string | undefined;
  /** A sentence after the done message, built by the route from checked values (never text from the URL). */
  doneDetail?: string | undefined;
  error?: string | undefined;
}

export function csrfField(principal: Principal | null): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${principal?.session?.csrfToken ?? ''}">`;
}

function logoutForm(principal: Principal): SafeHtml {
  const who = html`<span>Connecté : ${principal.name}</span>`;
  const button = html`<button type="submit" class="secondary">Se déconnecter</button>`;
  return html`<form method="post" action="/logout">${who}${csrfField(principal)}${button}</form>`;
}

export function page(options: PageOptions): SafeHtml {
  const { principal } = options;
  const done = options.done ? doneMessages[options.done] : undefined;
  const nav = principal
    ? html`<nav aria-label="Navigation principale"><ul>${sections.map(
        ([key, href, label]) =>
          html`<li><a href="${href}"${key === options.section ? html` aria-current="page"` : ''}>${label}</a></li>`,
      )}</ul></nav>
      ${logoutForm(principal)}`
    : '';
  return html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} — Connecteur EN3S</title>
<link rel="stylesheet" href="/admin/static/admin.css">
</head>
<body>
<a class="skip" href="#contenu">Aller au contenu</a>
<header class="top"><p class="brand">Connecteur EN3S</p>${nav}</header>
<main id="contenu" tabindex="-1">
<h1>${options.title}</h1>
${done ? html`<p class="flash" role="status">${done}${options.doneDetail ? ` ${options.doneDetail}` : ''}</p>` : ''}
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
${options.body}
</main>
</body>
</html>`;
}

/** Sends a page: never cached, never framed, no script allowed to run. */
export function sendPage(res: Response, status: number, markup: SafeHtml): void {
  res.status(status).type('html').send(markup.value);
}
