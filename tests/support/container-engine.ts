import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/**
 * The container engine (podman) as the container test drives it: whether containers can run on
 * this machine at all, and if not the exact reason; the project's images, built only when their
 * inputs changed (tagged by a hash of them); and commands run with the engine's settings.
 */

export const BASE_IMAGE = 'localhost/en3s-debian-base:trixie';
export const APP_IMAGE = 'localhost/en3s';
export const POSTGRES_IMAGE = 'localhost/en3s-postgres';

export interface Engine {
  /** Environment of every podman and podman-compose call (CONTAINERS_CONF when needed). */
  env: NodeJS.ProcessEnv;
  /** Runs a command to its end; rejects with its output when it fails. */
  run(command: string, args: string[], options?: { timeoutMs?: number }): Promise<string>;
}

export type Probe = { engine: Engine; problem?: undefined } | { engine?: undefined; problem: string };

function engineWith(env: NodeJS.ProcessEnv): Engine {
  return {
    env,
    run: (command, args, options = {}) =>
      new Promise((resolve, reject) => {
        execFile(
          command,
          args,
          { env, cwd: packageRoot(), maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 0 },
          (error, stdout, stderr) => {
            if (error)
              reject(
                new Error(
                  `${command} ${args.join(' ')} failed (${error.message.split('\n')[0]}):\n${stderr.slice(-4000)}`,
                ),
              );
            else resolve(stdout);
          },
        );
      }),
  };
}

const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** One line of a failed command's output: what the engine said. */
function said(result: ReturnType<typeof spawnSync>): string {
  const text = `${result.stderr?.toString() ?? ''}${result.stdout?.toString() ?? ''}`.trim();
  return text.split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${result.status}`;
}

/**
 * Settings for hosts where podman's defaults cannot run a container: runc where crun refuses the
 * host's cgroups, and the open-file and process limits a container may not raise above the
 * host's. Written to a file of the temporary folder named by CONTAINERS_CONF: nothing system-wide
 * changes.
 */
function fallbackSettings(): string {
  const file = join(tmpdir(), 'en3s-test-containers.conf');
  writeFileSync(
    file,
    [
      '[containers]',
      'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
      '[engine]',
      ...(onPath('runc') ? ['runtime = "runc"'] : []),
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * Whether containers can run here: podman, podman-compose and (to make the base image)
 * debootstrap on the PATH, the base image made (scripts/container-base.sh, idempotent), then a
 * trivial container run of it, with podman's defaults or else with the fallback settings.
 */
export function probeContainers(): Probe {
  for (const command of ['podman', 'podman-compose'])
    if (!onPath(command)) return { problem: `${command} is not installed (Debian package ${command})` };
  const base = spawnSync(join(packageRoot(), 'scripts', 'container-base.sh'), [], { timeout: 15 * 60_000 });
  if (base.status !== 0) return { problem: `scripts/container-base.sh failed: ${said(base)}` };
  const trial = (env: NodeJS.ProcessEnv) =>
    spawnSync('podman', ['run', '--rm', '--network=none', BASE_IMAGE, 'true'], { env, timeout: 120_000 });
  const plain = trial(process.env);
  if (plain.status === 0) return { engine: engineWith({ ...process.env }) };
  const env = { ...process.env, CONTAINERS_CONF: fallbackSettings() };
  const fallback = trial(env);
  if (fallback.status === 0) return { engine: engineWith(env) };
  return {
    problem:
      `podman run --rm ${BASE_IMAGE} true failed: "${said(plain)}"; ` +
      `with runc and limits of 1024: "${said(fallback)}"`,
  };
}

/** Every file under the given paths of the project, in a stable order. */
function filesUnder(paths: string[]): string[] {
  const root = packageRoot();
  const files: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    else files.push(path);
  };
  for (const path of paths) walk(join(root, path));
  return files.map((file) => relative(root, file));
}

/** A tag naming the image's inputs: the base image's id and every file of the build context. */
async function inputsTag(engine: Engine, paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await engine.run('podman', ['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE]));
  for (const file of filesUnder(paths)) hash.update(`${file}\0`).update(readFileSync(join(packageRoot(), file)));
  return `h-${hash.digest('hex').slice(0, 16)}`;
}

/**
 * The certificates this machine trusts, given to the build as the secret `npm-ca`: npm inside
 * the build then reaches the registry as the host does, also behind a TLS-inspecting proxy.
 */
function caSecret(): string[] {
  const bundle = [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'].find(
    (file) => file && existsSync(file),
  );
  return bundle ? ['--secret', `id=npm-ca,src=${bundle}`] : [];
}

export interface BuiltImage {
  reference: string;
  tag: string;
  /** Whether this run built it (false: an image of the same inputs was there). */
  built: boolean;
}

/**
 * Builds `repository:<hash of the inputs>` from `context` unless it exists, in the docker format
 * (the OCI format drops HEALTHCHECK); then removes the repository's images of older inputs.
 */
export async function buildImage(
  engine: Engine,
  repository: string,
  context: string,
  inputs: string[],
): Promise<BuiltImage> {
  const tag = await inputsTag(engine, inputs);
  const reference = `${repository}:${tag}`;
  const exists = await engine.run('podman', ['image', 'exists', reference]).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await engine.run('podman', ['build', '--format', 'docker', ...caSecret(), '--tag', reference, context]);
    const listed = await engine.run('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}', repository]);
    const older = listed.split('\n').filter((name) => /:h-[0-9a-f]{16}$/.test(name) && name !== reference);
    if (older.length > 0) await engine.run('podman', ['rmi', '--force', ...older]).catch(() => undefined);
  }
  return { reference, tag, built: !exists };
}
