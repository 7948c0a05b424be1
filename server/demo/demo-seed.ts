import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import { insertCustomer } from '../../db/queries/customers';
import { findTeamByName, insertTeam } from '../../db/queries/teams';
import { findUserByEmail, insertUser } from '../../db/queries/users';
import type { Role } from '../../db/schema';
import { hashPassword } from '../auth/passwords';
import { CustomersService } from '../customers/customers-service';
import type { TypedPhone } from '../customers/customers-service';
import type { CountryCode } from '../phones/phone-number';

export const DEMO_PASSWORD = 'demo';

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role; endpoint: string | null }[] =
  [
    { email: 'admin@demo.local', name: 'Alexandra Admin', role: 'admin', endpoint: null },
    {
      email: 'supervisor@demo.local',
      name: 'Sergey Supervisor',
      role: 'supervisor',
      endpoint: null,
    },
    { email: 'operator1@demo.local', name: 'Olga Orlova', role: 'operator', endpoint: 'SIP/101' },
    { email: 'operator2@demo.local', name: 'Pavel Petrov', role: 'operator', endpoint: 'SIP/102' },
    { email: 'operator3@demo.local', name: 'Irina Ivanova', role: 'operator', endpoint: 'SIP/103' },
  ];

const FIRST = [
  'Ivan',
  'Anna',
  'Dmitry',
  'Elena',
  'Mikhail',
  'Natalia',
  'Sergey',
  'Olga',
  'Andrey',
  'Tatiana',
  'Alexey',
  'Maria',
];
const LAST = [
  'Smirnov',
  'Kuznetsov',
  'Popov',
  'Vasiliev',
  'Sokolov',
  'Mikhailov',
  'Novikov',
  'Fedorov',
  'Morozov',
  'Volkov',
  'Lebedev',
  'Kozlov',
];
const COMPANIES = [
  'Romashka LLC',
  'StroyMontazh',
  'Vector Logistics',
  'Sever Trade',
  null,
  null,
  'Uralsib Parts',
  'Baikal Foods',
];
const CITIES = [
  'Moscow',
  'Saint Petersburg',
  'Kazan',
  'Novosibirsk',
  'Yekaterinburg',
  'Samara',
  null,
];
const LINES = ['retail', 'construction', 'logistics', 'manufacturing', 'food', null];

/** The same typed number in the ways people write it, to exercise normalization. */
function typedForm(mobile: string, variant: number): string {
  const [a, b, c, d] = [
    mobile.slice(0, 3),
    mobile.slice(3, 6),
    mobile.slice(6, 8),
    mobile.slice(8),
  ];
  const forms = [
    `8 (${a}) ${b}-${c}-${d}`,
    `+7 ${a} ${b} ${c} ${d}`,
    `8${mobile}`,
    `7-${a}-${b}-${c}${d}`,
    `+7(${a})${b}${c}${d}`,
  ];
  return forms[variant % forms.length] ?? `+7${mobile}`;
}

/**
 * Creates the demo team, the five demo accounts (password `demo`) and a few hundred customers,
 * once: a second start finds them and adds nothing. Only ever called in demo mode.
 */
export async function seedDemo(
  db: Db,
  options: { defaultCountry: CountryCode; logger: Logger; customers?: number },
): Promise<string[]> {
  const team = (await findTeamByName(db, 'Sales')) ?? (await insertTeam(db, 'Sales'));
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  for (const account of DEMO_ACCOUNTS) {
    if (await findUserByEmail(db, account.email)) continue;
    await insertUser(db, {
      ...account,
      password_hash: passwordHash,
      team_id: account.role === 'admin' ? null : team.id,
      skills: account.role === 'operator' ? ['sales'] : [],
    });
  }

  const existing = await db
    .selectFrom('customers')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  if (existing.n === 0) {
    await seedCustomers(db, team.id, options.defaultCountry, options.customers ?? 300);
    options.logger.info({ customers: options.customers ?? 300 }, 'created demo customers');
  }

  return DEMO_ACCOUNTS.map((account) => account.email);
}

async function seedCustomers(db: Db, teamId: string, country: CountryCode, count: number) {
  const phones = new CustomersService(db, country);

  // The caller of the documentation's examples: 8 (912) 345-67-89.
  await insertCustomer(
    db,
    {
      name: 'Ivan Petrov',
      company: 'Romashka LLC',
      city: 'Moscow',
      rating: 'good',
      team_id: teamId,
    },
    phones.phoneRows([{ number: '8 (912) 345-67-89', kind: 'mobile' }]),
  );

  for (let i = 1; i < count; i += 1) {
    const mobile = `9${String(10_000_000 + ((i * 7_919_993) % 89_999_999)).padStart(9, '0')}`;
    const typed: TypedPhone[] = [{ number: typedForm(mobile, i), kind: 'mobile' }];
    if (i % 7 === 0)
      typed.push({
        number: `8 (495) ${100 + (i % 900)}-${10 + (i % 90)}-${10 + ((i * 3) % 90)} доб. ${i % 100}`,
        kind: 'work',
      });
    if (i % 31 === 0) typed.push({ number: `12-${i}`, kind: 'other' });

    await insertCustomer(
      db,
      {
        name: `${FIRST[i % FIRST.length]} ${LAST[(i * 5) % LAST.length]}`,
        company: COMPANIES[i % COMPANIES.length] ?? null,
        city: CITIES[i % CITIES.length] ?? null,
        line_of_business: LINES[i % LINES.length] ?? null,
        rating: i % 11 === 0 ? 'bad' : i % 3 === 0 ? 'good' : 'unknown',
        team_id: teamId,
      },
      phones.phoneRows(typed),
    ).catch(() => undefined);
  }
}
