import { faker } from "@faker-js/faker";

/** Realistic names and unique phone numbers (unique by digits, as the database requires). */
export function generateContacts(count: number, seed: number): { names: string[]; phones: string[] } {
  faker.seed(seed);
  const names: string[] = new Array(count);
  const phones: string[] = new Array(count);
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    names[i] = faker.person.fullName();
    let phone: string;
    let digits: string;
    do {
      phone = faker.phone.number({ style: i % 3 === 0 ? "international" : "national" });
      digits = phone.replace(/\D/g, "");
    } while (seen.has(digits) || digits.length < 5 || digits.length > 20);
    seen.add(digits);
    phones[i] = phone;
  }
  return { names, phones };
}
