// Runs Ace by DAISY on several EPUB files in one process and one browser
// (Ace's own command line checks one book, starting Chromium for it), writing
// each book's report.json into OUTDIR/NAME/.
//   node ace_run.js ACE_DIR OUTDIR BOOK.epub...
// ACE_DIR is where .ci/ace installed @daisy/ace; the browser is
// PUPPETEER_EXECUTABLE_PATH (Debian's Chromium). Exits 1 when Ace fails on a book.
'use strict';
const path = require('path');

const [aceDir, outRoot, ...books] = process.argv.slice(2);
const load = (name) => require(require.resolve(name, { paths: [aceDir] }));
const ace = load('@daisy/ace-core');
const runner = load('@daisy/ace-axe-runner-puppeteer');
load('@daisy/ace-logger').initLogger({ verbose: false, silent: true });

// Ace launches and closes the browser for each book: one launch serves them all
let launched = false;
const shared = Object.assign({}, runner, {
  launch: async () => {
    if (!launched)
      await runner.launch();
    launched = true;
  },
  close: async () => {},
});

(async () => {
  let status = 0;
  for (const book of books) {
    const outdir = path.join(outRoot, path.basename(book, '.epub'));
    try {
      await ace(book, { outdir, silent: true, jobId: '', lang: 'en', cwd: process.cwd() }, shared);
      console.log(`ace: ${path.basename(book)} checked`);
    } catch (err) {
      console.log(`ace: ${path.basename(book)}: Ace failed: ${err && err.message ? err.message : err}`);
      status = 1;
    }
  }
  if (launched)
    await runner.close();
  process.exit(status);
})();
