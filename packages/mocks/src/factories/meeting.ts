// The meeting behind a fixture: who was there, what was said and when. Derived from one id (a Meeting Agent `sub`,
// a bot id) so that every fixture about that id agrees: the callback's speakers are the transcript's speakers, its
// duration the transcript's length. The mocked download handlers rebuild the same meeting from the id in the URL.
import { createRandom, type Random } from "../random.js";

export interface Person {
  name: string;
  email: string;
}

export interface Sentence {
  text: string;
  start: number;
  end: number;
}

export interface Turn {
  /** Index into `people`. */
  speaker: number;
  start: number;
  end: number;
  sentences: Sentence[];
}

export type Platform = "zoom" | "meet" | "teams";

export interface Meeting {
  title: string;
  summary: string;
  company: string;
  people: Person[];
  turns: Turn[];
  /** Length of the recording in whole seconds; the conversation above is its opening. */
  durationSeconds: number;
  platform: Platform;
  joinUrl: string;
  language: string;
}

const firstNames = [
  "Ana",
  "Marco",
  "Priya",
  "Daniel",
  "Sofia",
  "Leena",
  "Tomás",
  "Aiko",
  "Kwame",
  "Ingrid",
  "Rahul",
  "Chloé",
  "Mateus",
  "Yara",
  "Jonas",
  "Mei",
];
const lastNames = [
  "Lopez",
  "Rossi",
  "Raman",
  "Okafor",
  "Martins",
  "Korhonen",
  "Herrera",
  "Tanaka",
  "Mensah",
  "Lindqvist",
  "Iyer",
  "Dubois",
  "Costa",
  "Haddad",
  "Becker",
  "Chen",
];
const companies = [
  { name: "Acme", domain: "acme-meetings.com" },
  { name: "Globex", domain: "globex.io" },
  { name: "Northwind", domain: "northwind-logistics.fi" },
  { name: "Initech", domain: "initech.co.uk" },
  { name: "Umbrella Health", domain: "umbrella-health.de" },
];

interface Topic {
  title: string;
  summary: string;
  /** Turns in order; the speaker of turn i is person i mod the number of people. */
  turns: string[][];
}

const topics: Topic[] = [
  {
    title: "Product sync: Q1 roadmap",
    summary:
      "The team agreed to ship calendar sync in the first January release and to move reporting work to Q1. A rollout plan is due on Friday.",
    turns: [
      ["Thanks for joining, everyone.", "Let's start with the roadmap for the first quarter."],
      ["The backend for calendar sync is done and in review.", "QA needs one more week."],
      ["So the first January release is realistic?", "Then reporting moves to Q1."],
      ["Yes, if QA signs off next week.", "I'll draft the rollout plan by Friday."],
      ["Sounds good to me."],
    ],
  },
  {
    title: "Invoice export bug triage",
    summary:
      "The CSV export drops invoices with draft credit notes since Tuesday's release. A fix is ready for review and ships with Thursday's hotfix; November exports will be re-run.",
    turns: [
      ["Morning, thanks for jumping on.", "I only need a few minutes on the invoice export bug."],
      [
        "The export drops every invoice that has a credit note attached.",
        "It started after Tuesday's release.",
      ],
      ["Do we know if it's the query or the serializer?"],
      ["It's the query.", "The new join filters out rows where the note is still a draft."],
      ["Can you open the pull request today?", "I'll review it after lunch."],
      ["Within the hour, with a regression test."],
    ],
  },
  {
    title: "Globex security review",
    summary:
      "Globex asked for SSO enforcement and a data retention setting before signing. Both are on the roadmap; a written answer goes out this week.",
    turns: [
      ["We've read your security questionnaire.", "Two points are blocking for us."],
      ["Happy to go through them.", "Which ones?"],
      ["We need SSO to be enforced for every user.", "And we need to set how long recordings are kept."],
      ["SSO enforcement ships next month.", "Retention settings are planned for the quarter after."],
      ["Can you put that in writing?", "Our legal team will ask."],
      ["I'll send a written answer by Thursday."],
    ],
  },
  {
    title: "Hiring loop debrief",
    summary:
      "The panel recommends an offer for the senior backend role. The system design interview was strongest; references are next.",
    turns: [
      ["Let's go round the panel.", "What did everyone think?"],
      ["Strong yes from me.", "The system design interview was the best we've had this year."],
      ["Agreed, the coding round was solid too.", "A little slow on testing, nothing worrying."],
      ["Then I'll start reference checks today.", "We could send an offer next week."],
    ],
  },
];

const wordsPerSecond = 2.6;

function timeTurns(random: Random, lines: string[][], speakers: number): Turn[] {
  let clock = random.float(1, 4);
  return lines.map((sentences, index) => {
    const timed: Sentence[] = sentences.map((text) => {
      const start = clock;
      const end =
        Math.round((start + text.split(" ").length / wordsPerSecond + random.float(0.1, 0.6)) * 100) / 100;
      clock = Math.round((end + random.float(0.15, 0.5)) * 100) / 100;
      return { text, start, end };
    });
    clock = Math.round((clock + random.float(0.3, 1.2)) * 100) / 100;
    return {
      speaker: index % speakers,
      start: (timed[0] as Sentence).start,
      end: (timed[timed.length - 1] as Sentence).end,
      sentences: timed,
    };
  });
}

function letters(random: Random, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += String.fromCharCode(97 + random.int(0, 25));
  return out;
}

function joinUrl(random: Random, platform: Platform): string {
  switch (platform) {
    case "zoom":
      return `https://us0${random.int(2, 6)}web.zoom.us/j/8${random.int(1000000000, 9999999999)}?pwd=${random.alphanumeric(32)}`;
    case "meet":
      return `https://meet.google.com/${letters(random, 3)}-${letters(random, 4)}-${letters(random, 3)}`;
    case "teams":
      return `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${random.alphanumeric(48)}%40thread.v2/0`;
  }
}

/** The meeting an id stands for. Same id, same meeting. `platforms` limits where it can take place. */
export function meetingFor(id: string, platforms: readonly Platform[] = ["zoom", "meet", "teams"]): Meeting {
  const random = createRandom(`meeting:${id}`);
  const topic = random.pick(topics);
  const company = random.pick(companies);
  const count = random.int(2, 4);
  const first = random.sample(firstNames, count);
  const last = random.sample(lastNames, count);
  const people = first.map((name, i) => {
    const surname = last[i] as string;
    return {
      name: `${name} ${surname}`,
      email: `${name
        .normalize("NFD")
        .replace(/[^A-Za-z]/g, "")
        .toLowerCase()}.${surname.toLowerCase()}@${company.domain}`,
    };
  });
  const platform = random.pick(platforms);
  return {
    title: topic.title,
    summary: topic.summary,
    company: company.name,
    people,
    turns: timeTurns(random, topic.turns, Math.min(count, topic.turns.length)),
    durationSeconds: random.int(600, 3300),
    platform,
    joinUrl: joinUrl(random, platform),
    language: "en",
  };
}
