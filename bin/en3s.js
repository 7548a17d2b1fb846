#!/usr/bin/env node
// Entry point of the `en3s` command: runs the compiled CLI (built by `npm run build`,
// which `npm ci` and `npm install` run through the `prepare` script).
import('../dist/src/cli/main.js')
  .then((cli) => cli.main(process.argv))
  .catch((error) => {
    process.stderr.write(
      `en3s : impossible de démarrer (${error?.message ? error.message : error}).\n` +
        'Lancez « npm run build » puis réessayez.\n',
    );
    process.exit(70);
  });
