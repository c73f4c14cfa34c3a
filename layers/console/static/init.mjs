// GOV.UK Frontend's progressive enhancements; every page works without them.
import { initAll } from './govuk-frontend.min.js';

initAll();
