// Builds feedback/static from govuk-frontend: `npm ci && npm run build`.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'feedback', 'static')
mkdirSync(join(out, 'css'), { recursive: true })
mkdirSync(join(out, 'js'), { recursive: true })

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
writeFileSync(join(out, 'css', 'app.css'), css)

const gfJs = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk', 'govuk-frontend.min.js')
copyFileSync(gfJs, join(out, 'js', 'govuk-frontend.min.js'))
copyFileSync(join(root, 'assets', 'init.mjs'), join(out, 'js', 'init.js'))
console.log('Built feedback/static: css/app.css, js/govuk-frontend.min.js, js/init.js')
