// Content-hashed names, Brotli and gzip copies, and manifest.json, for the files of one build.
// Hashed names let WhiteNoise send them with a one-year immutable cache; a changed file gets a new name.
// Used by build.mjs; also runnable on its own (`node assets/fingerprint.mjs OUT_DIR LOGICAL=SOURCE ...`).
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

export function hashedName (logical, body) {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12)
  const dot = logical.lastIndexOf('.')
  return `${logical.slice(0, dot)}.${hash}${logical.slice(dot)}`
}

// files: [logical name, contents] in dependency order (a JS module after the modules it imports).
export function fingerprint (out, files) {
  const manifest = {}
  for (const [logical, contents] of files) {
    let body = Buffer.from(contents)
    if (logical.endsWith('.js')) {
      // Relative ES module imports of files built before this one: point them at the hashed names.
      const base = posix.dirname(logical)
      body = Buffer.from(body.toString('utf8').replace(/(from\s*['"]\.\/)([^'"]+)(['"])/g, (match, start, name, end) => {
        const hashed = manifest[posix.join(base, name)]
        return hashed ? `${start}${posix.basename(hashed)}${end}` : match
      }))
    }
    const name = hashedName(logical, body)
    const path = join(out, name)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, body)
    writeFileSync(`${path}.br`, brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }))
    writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }))
    manifest[logical] = name
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  return manifest
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, ...pairs] = process.argv.slice(2)
  const files = pairs.map((pair) => {
    const [logical, source] = pair.split('=')
    return [logical, readFileSync(source)]
  })
  fingerprint(out, files)
}
