import { benchCardPaint } from './card-paint';
import { benchCustomerLookup } from './customer-lookup';
import { benchScreenPop } from './screen-pop';
import { benchWebSize } from './web-size';

/**
 * Every benchmark, run one after another so they do not disturb each other's timings. Add a
 * new one as a line here. `npm run bench -- lookup` runs only those whose name contains
 * "lookup".
 */
const benches: { name: string; run: () => Promise<unknown> }[] = [
  { name: 'customer lookup', run: benchCustomerLookup },
  { name: 'screen pop', run: benchScreenPop },
  { name: 'console size', run: benchWebSize },
  { name: 'card paint', run: benchCardPaint },
];

const only = process.argv.slice(2);
const chosen = benches.filter(
  (bench) => only.length === 0 || only.some((word) => bench.name.includes(word)),
);
if (chosen.length === 0) {
  console.error(`No benchmark matches ${only.join(' ')}; there are: ${benches.map((b) => b.name)}`);
  process.exit(1);
}

for (const bench of chosen) {
  console.log(`\n== ${bench.name} ==`);
  await bench.run();
}
