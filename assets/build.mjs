// Builds feedback/static from govuk-frontend: `npm ci && npm run build`.
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'
import { fingerprint } from './fingerprint.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'feedback', 'static')
// Only what this build writes is served: earlier builds' hashed files go.
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

const result = sass.compile(join(root, 'assets', 'app.scss'), {
  loadPaths: [join(root, 'node_modules'), join(root, 'assets')],
  style: 'compressed',
  quietDeps: true,
})
// The footer component styles a crown we never draw: drop those rules so no trace ships.
const css = result.css.replace(/[^{}]*crown[^{}]*\{[^{}]*\}/gi, '')
if (/GDS Transport|crown/i.test(css)) {
  throw new Error('The built CSS mentions GDS Transport or the crown')
}

const gfJs = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk', 'govuk-frontend.min.js')
const manifest = fingerprint(out, [
  ['css/app.css', css],
  ['js/govuk-frontend.min.js', readFileSync(gfJs)],
  // init.js imports govuk-frontend.min.js: fingerprint() points the import at that file's hashed name.
  ['js/init.js', readFileSync(join(root, 'assets', 'init.mjs'))],
])
console.log(`Built feedback/static: ${Object.values(manifest).join(', ')} (each with .br and .gz)`)
