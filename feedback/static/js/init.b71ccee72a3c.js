// Loaded as a module so the Content-Security-Policy needs no inline script.
import { initAll } from './govuk-frontend.min.8982af0b181b.js'

initAll()
