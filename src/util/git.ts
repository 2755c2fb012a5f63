/**
 * Reads the commit a git checkout is at straight from its `.git` files
 * (no `git` process, so only read permission is needed). Handles plain
 * repositories, worktrees (`.git` is a file naming the real git dir), loose
 * and packed refs, and detached heads.
 *
 * @module
 */

const HEX40 = /^[0-9a-f]{40}$/;

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/** The directory holding HEAD for a checkout at `root`, or null. */
function gitDir(root: string): string | null {
  const dotGit = `${root}/.git`;
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(dotGit);
  } catch {
    return null;
  }
  if (info.isDirectory) return dotGit;
  const pointer = readText(dotGit)?.trim() ?? "";
  if (!pointer.startsWith("gitdir: ")) return null;
  const target = pointer.slice("gitdir: ".length);
  return target.startsWith("/") ? target : `${root}/${target}`;
}

/** Resolves a ref name (`refs/heads/main`) in the git dir or its common dir. */
function resolveRef(dir: string, ref: string): string | null {
  const common = readText(`${dir}/commondir`)?.trim();
  const dirs = [dir];
  if (common) dirs.push(common.startsWith("/") ? common : `${dir}/${common}`);
  for (const d of dirs) {
    const loose = readText(`${d}/${ref}`)?.trim();
    if (loose && HEX40.test(loose)) return loose;
    const packed = readText(`${d}/packed-refs`);
    if (packed) {
      for (const line of packed.split("\n")) {
        const [sha, name] = line.split(" ");
        if (name === ref && HEX40.test(sha)) return sha;
      }
    }
  }
  return null;
}

/** The full commit id the checkout at `root` is on, or null when it cannot be read. */
export function checkoutCommit(root: string): string | null {
  const dir = gitDir(root);
  if (dir === null) return null;
  const head = readText(`${dir}/HEAD`)?.trim();
  if (!head) return null;
  if (HEX40.test(head)) return head;
  if (!head.startsWith("ref: ")) return null;
  return resolveRef(dir, head.slice("ref: ".length));
}
