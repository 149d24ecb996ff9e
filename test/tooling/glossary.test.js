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

/** A prose line without its inline code spans (`Dense`, `carry`): code names are not prose. */
function withoutCode(line) {
  return line.replace(/`[^`]*`/g, " ");
}

/** "file:line: variant (use term)" for every variant found in the prose of `file`, outside inline code spans. */
function findVariants(file, text, glossary) {
  const hits = [];
  for (const { line, text: raw } of proseLines(file, text)) {
    const l = withoutCode(raw);
    // The glossary governs Korean prose: a variant in Latin letters ("carry") counts only on a line with Hangul, so
    // the English READMEs and docs may use the English word.
    const korean = /[\uac00-\ud7a3]/.test(l);
    for (const { term, variants } of glossary) {
      for (const v of variants) {
        if (!korean && /^[A-Za-z ]+$/.test(v)) continue;
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
    assert.deepStrictEqual(byTerm["시간 단계"].variants, ["시간 스텝", "타임 스텝", "타임스텝", "스텝"]);
    assert.deepStrictEqual(byTerm["업데이트 게이트"].variants, ["갱신 게이트"]);
    assert.deepStrictEqual(byTerm["셀 상태"].variants, ["carry"]);
    assert.deepStrictEqual(byTerm["완전 연결 층"].variants, ["밀집층", "밀집 층", "Dense 층", "fully connected 층"]);
    assert.deepStrictEqual(byTerm["순환층"].variants, ["순환 층"]);
    assert.deepStrictEqual(byTerm["순환 신경망"].variants, ["순환신경망"]);
    assert.deepStrictEqual(byTerm["레이블"].variants, ["라벨"]);
    assert.deepStrictEqual(byTerm["파라미터"].variants, ["매개변수"]);
    assert.ok(byTerm["후보"], "the LSTM candidate tanh(k_t) has a row");
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

  it("an English variant counts in Korean prose, not in an English sentence", () => {
    const text = ["the notebooks carry the outputs of a full run", "셀 상태(carry)는 LSTM의 기억입니다"].join("\n");
    const hits = findVariants(path.join(ROOT, "docs", "x.md"), text, glossary);
    assert.deepStrictEqual(hits, ["docs/x.md:2: 'carry' (the glossary's term is '셀 상태')"]);
  });

  it("flags a variant in a notebook's prose but not in its code", () => {
    const text = ["// %% [markdown]", "// 28개의 타임 스텝과 시험 구간", "// %%", "const s = '시험'; // 프로필"].join("\n");
    const hits = findVariants(path.join(ROOT, "notebooks", "src", "99_x.ts"), text, glossary);
    assert.deepStrictEqual(hits, [
      "notebooks/src/99_x.ts:2: '타임 스텝' (the glossary's term is '시간 단계')",
      "notebooks/src/99_x.ts:2: '스텝' (the glossary's term is '시간 단계')",
      "notebooks/src/99_x.ts:2: '시험' (the glossary's term is '테스트')",
    ]);
  });

  it("flags each drifted variant in prose, not in code cells or inline code spans", () => {
    const file = path.join(ROOT, "notebooks", "src", "99_x.ts");
    const prose = [
      ["한 스텝씩 읽습니다", "스텝", "시간 단계"],
      ["GRU의 갱신 게이트 z", "갱신 게이트", "업데이트 게이트"],
      ["책은 이것을 carry라 부릅니다", "carry", "셀 상태"],
      ["밀집층 하나", "밀집층", "완전 연결 층"],
      ["밀집 층 하나", "밀집 층", "완전 연결 층"],
      ["Dense 층 하나", "Dense 층", "완전 연결 층"],
      ["실습의 fully connected 층", "fully connected 층", "완전 연결 층"],
      ["순환 층을 쌓습니다", "순환 층", "순환층"],
      ["순환신경망(RNN)", "순환신경망", "순환 신경망"],
      ["라벨을 붙입니다", "라벨", "레이블"],
      ["매개변수 수", "매개변수", "파라미터"],
    ];
    for (const [sentence, variant, term] of prose) {
      const inProse = ["// %% [markdown]", `// ${sentence}`].join("\n");
      assert.deepStrictEqual(findVariants(file, inProse, glossary), [`notebooks/src/99_x.ts:2: '${variant}' (the glossary's term is '${term}')`], sentence);
      const inCode = ["// %% [markdown]", "// 코드를 봅니다", "// %%", `const s = "${sentence}"; // ${sentence}`].join("\n");
      assert.deepStrictEqual(findVariants(file, inCode, glossary), [], `${sentence} in a code cell`);
    }
  });

  it("ignores a variant inside an inline code span but flags the same word outside it", () => {
    const file = path.join(ROOT, "notebooks", "src", "99_x.ts");
    const text = ["// %% [markdown]", "// 책의 의사코드가 `carry`라고 부르는 셀 상태, `Dense` 층", "// 책의 carry, Dense 층"].join("\n");
    assert.deepStrictEqual(findVariants(file, text, glossary), [
      "notebooks/src/99_x.ts:3: 'Dense 층' (the glossary's term is '완전 연결 층')",
      "notebooks/src/99_x.ts:3: 'carry' (the glossary's term is '셀 상태')",
    ]);
    assert.deepStrictEqual(findVariants(path.join(ROOT, "README.md"), "`Dense 층` and `carry`\nDense 층", glossary), ["README.md:2: 'Dense 층' (the glossary's term is '완전 연결 층')"]);
  });
});
