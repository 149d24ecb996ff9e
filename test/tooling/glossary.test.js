// One term per idea: notebooks/GLOSSARY.md names the term the course uses for each idea and the variants it does
// not use; no variant may appear in the notebooks' prose, the READMEs or docs/.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { proseLines } = require("../../scripts/course/results.js");

const ROOT = path.join(__dirname, "..", "..");
const GLOSSARY = path.join(ROOT, "notebooks", "GLOSSARY.md");

/** [{ term, english, variants }] from the glossary's table. */
function readGlossary(text) {
  const rows = [];
  for (const line of text.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length !== 4 || cells[0] === "용어" || /^-+$/.test(cells[0])) continue;
    rows.push({ term: cells[0], english: cells[1], variants: cells[3] ? cells[3].split(",").map((v) => v.trim()).filter(Boolean) : [] });
  }
  return rows;
}

/** "file:line: variant (use term)" for every variant found in the prose of `file`. */
function findVariants(file, text, glossary) {
  const hits = [];
  for (const { line, text: l } of proseLines(file, text)) {
    for (const { term, variants } of glossary) {
      for (const v of variants) {
        if (l.includes(v)) hits.push(`${path.relative(ROOT, file)}:${line}: '${v}' (the glossary's term is '${term}')`);
      }
    }
  }
  return hits;
}

function courseFiles() {
  const nb = path.join(ROOT, "notebooks", "src");
  const docs = path.join(ROOT, "docs");
  return [path.join(ROOT, "README.md"), path.join(ROOT, "datasets", "README.md"), ...fs.readdirSync(docs).filter((f) => f.endsWith(".md")).map((f) => path.join(docs, f)), ...fs.readdirSync(nb).filter((f) => f.endsWith(".ts")).map((f) => path.join(nb, f))];
}

describe("glossary (notebooks/GLOSSARY.md): one term per idea", function () {
  const glossary = readGlossary(fs.readFileSync(GLOSSARY, "utf8"));

  it("lists the terms that drifted, each with its English term and the variants to avoid", () => {
    const byTerm = Object.fromEntries(glossary.map((g) => [g.term, g]));
    assert.deepStrictEqual(byTerm["시간 단계"].variants, ["시간 스텝", "타임 스텝", "타임스텝"]);
    assert.deepStrictEqual(byTerm["테스트"].variants, ["시험"]);
    assert.deepStrictEqual(byTerm["프로파일"].variants, ["프로필"]);
    assert.deepStrictEqual(byTerm["히트맵"].variants, ["열지도"]);
    assert.strictEqual(byTerm["기울기"].english, "gradient");
    for (const g of glossary) assert.ok(g.english, `${g.term} has no English term`);
  });

  it("no variant appears in the notebooks' prose, the READMEs or docs/", () => {
    const hits = courseFiles().flatMap((f) => findVariants(f, fs.readFileSync(f, "utf8"), glossary));
    assert.deepStrictEqual(hits, [], hits.join("\n"));
  });

  it("flags a variant in a notebook's prose but not in its code", () => {
    const text = ["// %% [markdown]", "// 28개의 타임 스텝과 시험 구간", "// %%", "const s = '시험'; // 프로필"].join("\n");
    const hits = findVariants(path.join(ROOT, "notebooks", "src", "99_x.ts"), text, glossary);
    assert.deepStrictEqual(hits, [
      "notebooks/src/99_x.ts:2: '타임 스텝' (the glossary's term is '시간 단계')",
      "notebooks/src/99_x.ts:2: '시험' (the glossary's term is '테스트')",
    ]);
  });
});
