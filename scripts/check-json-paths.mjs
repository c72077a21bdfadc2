#!/usr/bin/env node
// Checks a JSON document on stdin against the expectations in a file, for the
// command-line cases (tests/cli/NAME/expected-json). One expectation a line:
//
//   PATH = JSON        the value at PATH equals JSON
//   PATH != JSON       the value at PATH differs from JSON (also when it is missing)
//   PATH has JSON      PATH (with [*]) yields a list that contains JSON
//   PATH lacks JSON    PATH (with [*]) yields a list that does not contain JSON
//   PATH contains "s"  the text at PATH contains s (with [*]: one of the texts does)
//   PATH omits "s"     no text at PATH contains s
//   PATH absent        there is nothing at PATH
//
// PATH is dotted with [n] or [*] for arrays: recommendations[0].channel,
// assessment.forms.sexual.level, recommendations[*].channel; has, lacks,
// contains and omits also look inside an array found without [*]. Blank lines
// and lines starting with # (the reasoning behind an expectation) are skipped.
//
// A line starting with "gap " is what a specialist expects and the product
// does not do yet (the case's known-gap file says why). Exit status: 0 all
// met; 1 an ordinary expectation is unmet (printed); 3 only gap expectations
// are unmet (printed); 4 there are gap expectations and all are met now (the
// marks must go).
import { readFileSync } from 'node:fs';

const [expectationsFile] = process.argv.slice(2);
const lines = readFileSync(expectationsFile, 'utf8').split('\n');
let document;
try {
  document = JSON.parse(readFileSync(0, 'utf8'));
} catch (error) {
  console.log(`the output is not JSON: ${error.message}`);
  process.exit(1);
}

function resolve(value, path) {
  const steps = path.match(/[^.[\]]+|\[(\d+|\*)\]/g) ?? [];
  let current = [value];
  let many = false;
  for (const step of steps) {
    const next = [];
    if (step === '[*]') {
      many = true;
      for (const item of current) if (Array.isArray(item)) next.push(...item);
    } else if (step.startsWith('[')) {
      const index = Number(step.slice(1, -1));
      for (const item of current) if (Array.isArray(item) && index < item.length) next.push(item[index]);
    } else {
      for (const item of current) {
        if (item && typeof item === 'object' && !Array.isArray(item) && Object.hasOwn(item, step)) next.push(item[step]);
      }
    }
    current = next;
  }
  return { values: current, many };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const problems = [];
const gaps = [];
let gapLines = 0;
for (const [number, raw] of lines.entries()) {
  let line = raw.trim();
  if (!line || line.startsWith('#')) continue;
  const gap = line.startsWith('gap ');
  if (gap) {
    line = line.slice(4).trim();
    gapLines++;
  }
  const match = line.match(/^(\S+)\s+(=|!=|has|lacks|contains|omits|absent)(?:\s+(.*))?$/);
  if (!match) {
    problems.push(`line ${number + 1}: cannot read '${line}'`);
    continue;
  }
  const [, path, operator, text] = match;
  let expected;
  if (operator !== 'absent') {
    try {
      expected = JSON.parse(text ?? '');
    } catch {
      problems.push(`line ${number + 1}: '${text}' is not JSON`);
      continue;
    }
  }
  let { values, many } = resolve(document, path);
  if (!many && values.length === 1 && Array.isArray(values[0]) && ['has', 'lacks', 'contains', 'omits'].includes(operator)) {
    values = values[0];
    many = true;
  }
  const shown = JSON.stringify(many ? values : values[0]);
  const ok =
    operator === '=' ? !many && values.length === 1 && same(values[0], expected)
    : operator === '!=' ? !(values.length === 1 && same(values[0], expected))
    : operator === 'has' ? values.some((value) => same(value, expected))
    : operator === 'lacks' ? !values.some((value) => same(value, expected))
    : operator === 'contains' ? values.some((value) => typeof value === 'string' && value.includes(expected))
    : operator === 'omits' ? !values.some((value) => typeof value === 'string' && value.includes(expected))
    : values.length === 0;
  if (!ok) (gap ? gaps : problems).push(`${line}  (found: ${shown ?? 'nothing'})`);
}
if (problems.length) {
  console.log(problems.join('\n'));
  process.exit(1);
}
if (gaps.length) {
  console.log(gaps.join('\n'));
  process.exit(3);
}
if (gapLines) {
  console.log(`all ${gapLines} gap expectation(s) are met now: drop their "gap " marks and the known-gap file`);
  process.exit(4);
}
