/** Placeholder tool pages: start Python so the page shows it runs. */
import { startPython } from './core/app.js';

startPython().catch(() => {});
