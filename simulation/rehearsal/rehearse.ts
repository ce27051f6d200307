/** `npm run rehearse`: see `rehearse-cli.ts` and the README, "The rehearsal". */
import { runRehearseCli } from "./rehearse-cli";

runRehearseCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (text) => process.stderr.write(text),
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
