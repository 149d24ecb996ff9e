// Candle loading: the shipped files load with their documented counts; repairs are counted; bad files are
// refused with the file, the line and the column named.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const zlib = require("zlib");
const { loadCandles, joinOnTime, formatReport, datasetPath, timeRange, parseDate, formatTime, formatDuration, CRYPTO_5M_COLUMNS } = require("rnnlab");

const COINS = ["BTC", "LTC", "ETH", "BCH"];

describe("candles", function () {
  let tmp;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-candles-"))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const write = (name, text) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, text);
    return p;
  };
  /** Asserts that loading throws exactly `message` with the file's path in front. */
  const rejects = (file, message, opts) =>
    assert.throws(
      () => loadCandles(file, opts),
      (e) => {
        assert.strictEqual(e.message, `${file}${message}`);
        return true;
      },
    );

  describe("the shipped files", () => {
    it("btc-usd-daily.csv: 5,152 days 2011-08-18 .. 2025-09-24, no duplicates, no gaps, 33 zero-volume days", () => {
      const c = loadCandles(datasetPath("btc-usd-daily.csv"));
      assert.strictEqual(c.file, "datasets/btc-usd-daily.csv");
      assert.strictEqual(c.length, 5152);
      assert.strictEqual(c.timeKind, "unix");
      const r = c.report;
      assert.strictEqual(r.rowsRead, 5152);
      assert.strictEqual(r.timeColumn, "unix_timestamp");
      assert.deepStrictEqual(r.duplicates, { identical: 0, conflicting: 0 });
      assert.strictEqual(r.interval, 86400);
      assert.strictEqual(r.gaps.count, 0);
      assert.strictEqual(r.zeroVolume, 33);
      assert.strictEqual(r.outsideRange, 0);
      assert.strictEqual(timeRange(c), "2011-08-18 00:00 .. 2025-09-24 00:00 UTC");
      // Line 3: 2011-08-19 00:00:00,10.9,11.69,1.9265781400000002,1313712000,11.85,10.9 (columns open,close,volume,unix,high,low)
      assert.deepStrictEqual([c.time[1], c.open[1], c.high[1], c.low[1], c.close[1], c.volume[1]], [1313712000, 10.9, 11.85, 10.9, 11.69, 1.9265781400000002]);
      assert.strictEqual(c.close[5151], 113700.11);
    });

    it("crypto-5m/*.csv: 24,216 rows each -> 24,133 after 83 identical duplicates; one gap of 72 bars (6 hours)", () => {
      for (const coin of COINS) {
        const c = loadCandles(datasetPath("crypto-5m", `${coin}-USD.csv`));
        const r = c.report;
        assert.match(r.layout, /no header: time,low,high,open,close,volume/);
        assert.strictEqual(r.rowsRead, 24216, coin);
        assert.strictEqual(c.length, 24133, coin);
        assert.deepStrictEqual(r.duplicates, { identical: 83, conflicting: 0 }, coin);
        assert.strictEqual(r.interval, 300);
        assert.deepStrictEqual(r.gaps, { count: 1, missingBars: 72, largestBars: 72, largestSeconds: 21600, largestFrom: Date.UTC(2019, 2, 12, 1, 55) / 1000, largestTo: Date.UTC(2019, 2, 12, 8, 0) / 1000 });
        assert.strictEqual(timeRange(c), "2019-01-04 16:00 .. 2019-03-29 17:00 UTC");
        for (let i = 1; i < c.length; i++) assert.ok(c.time[i] > c.time[i - 1]);
        if (coin === "BTC") {
          // Line 1: 1546617600,3717.3,3726.09,3725.3,3719.25,105.865279 = time,low,high,open,close,volume
          assert.deepStrictEqual([c.time[0], c.open[0], c.high[0], c.low[0], c.close[0], c.volume[0]], [1546617600, 3725.3, 3726.09, 3717.3, 3719.25, 105.865279]);
          const text = formatReport(c);
          assert.match(text, /24,216 rows read/);
          assert.match(text, /83 duplicated timestamps removed \(83 identical copies, 0 conflicting/);
          assert.match(text, /1 gap \(72 missing 5m bars\); largest: 72 bars = 6h between 2019-03-12 01:55 and 2019-03-12 08:00 UTC/);
          assert.match(text, /kept 24,133 rows, 2019-01-04 16:00 \.\. 2019-03-29 17:00 UTC, one every 5m/);
        }
      }
    });

    it("stock-daily-goog.csv: 732 rows, header in a comment, CRLF, newest first -> reversed, oldest first", () => {
      const c = loadCandles(datasetPath("stock-daily-goog.csv"));
      assert.strictEqual(c.length, 732);
      assert.strictEqual(c.timeKind, "index");
      assert.strictEqual(c.report.reversed, true);
      assert.strictEqual(c.report.commentLines, 2);
      assert.strictEqual(c.report.layout, "header in comment line 2");
      assert.deepStrictEqual(Array.from(c.time.subarray(0, 3)), [0, 1, 2]);
      // Oldest = the file's last line: 568.00257,568.00257,552.922516,13100,558.462551 (Open,High,Low,Volume,Close)
      assert.deepStrictEqual([c.open[0], c.high[0], c.low[0], c.volume[0], c.close[0]], [568.00257, 568.00257, 552.922516, 13100, 558.462551]);
      // Newest = the first data line: 828.659973,833.450012,828.349976,1247700,831.659973
      assert.deepStrictEqual([c.open[731], c.high[731], c.low[731], c.volume[731], c.close[731]], [828.659973, 833.450012, 828.349976, 1247700, 831.659973]);
      assert.match(formatReport(c), /rows taken as newest first .* reversed/);
      // Told the file is oldest first, the loader keeps the order.
      assert.strictEqual(loadCandles(datasetPath("stock-daily-goog.csv"), { order: "oldest-first" }).close[0], 831.659973);
    });

    it("joinOnTime: the four coins share every time (24,133 rows, none lost), columns named COIN_field", () => {
      const coins = Object.fromEntries(COINS.map((k) => [k, loadCandles(datasetPath("crypto-5m", `${k}-USD.csv`))]));
      const j = joinOnTime(coins, ["close", "volume"]);
      assert.strictEqual(j.length, 24133);
      assert.deepStrictEqual(j.names, ["BTC_close", "BTC_volume", "LTC_close", "LTC_volume", "ETH_close", "ETH_volume", "BCH_close", "BCH_volume"]);
      for (const k of COINS) assert.strictEqual(j.report.series[k].lost, 0);
      assert.deepStrictEqual(j.columns.LTC_close, coins.LTC.close);
      assert.match(formatReport(j), /inner join\) BTC, LTC, ETH, BCH: 24,133 rows/);
      const df = j.toDataFrame();
      assert.deepStrictEqual(df.shape, [24133, 10]);
      assert.deepStrictEqual(df.columns, ["date", "time", ...j.names]);
      assert.strictEqual(df["date"].values[0], "2019-01-04 16:00");
      assert.strictEqual(df["BCH_volume"].values[24132], coins.BCH.volume[24132]);
    });
  });

  describe("repairs, counted", () => {
    it("duplicated times: identical copies keep one; differing copies keep the last in the file", () => {
      const f = write("dups.csv", ["time,open,high,low,close,volume", "0,10,11,9,10.5,1", "60,10,11,9,10.5,2", "60,10,11,9,10.5,2", "120,10,12,9,11,3", "120,10,12,9,11.5,4", "180,11,12,10,11,5"].join("\n") + "\n");
      const c = loadCandles(f);
      assert.strictEqual(c.length, 4);
      assert.deepStrictEqual(c.report.duplicates, { identical: 1, conflicting: 1 });
      assert.deepStrictEqual(Array.from(c.close), [10.5, 10.5, 11.5, 11]);
      assert.deepStrictEqual(Array.from(c.volume), [1, 2, 4, 5]);
      const text = formatReport(c);
      assert.match(text, /2 duplicated timestamps removed \(1 identical copies, 1 conflicting: kept the last in the file\)/);
      assert.match(text, /conflicting duplicates at lines 5 and 6/);
    });

    it("rows out of order are sorted and counted; a newest-first file is reversed; gaps are measured", () => {
      const rows = ["300,1,2,1,1.5,1", "0,1,2,1,1.1,1", "60,1,2,1,1.2,1", "120,1,2,1,1.3,1", "240,1,2,1,1.4,1"];
      const c = loadCandles(write("order.csv", "time,open,high,low,close,volume\n" + rows.join("\n")));
      assert.deepStrictEqual(Array.from(c.time), [0, 60, 120, 240, 300]);
      assert.deepStrictEqual(Array.from(c.close), [1.1, 1.2, 1.3, 1.4, 1.5]);
      assert.strictEqual(c.report.reordered, 1);
      assert.strictEqual(c.report.interval, 60);
      assert.deepStrictEqual(c.report.gaps, { count: 1, missingBars: 1, largestBars: 1, largestSeconds: 60, largestFrom: 120, largestTo: 240 });
      const d = loadCandles(write("newest.csv", "time,open,high,low,close,volume\n" + ["180,1,2,1,1.4,1", "120,1,2,1,1.3,1", "60,1,2,1,1.2,1"].join("\n")));
      assert.strictEqual(d.report.reversed, true);
      assert.strictEqual(d.report.reordered, 0);
      assert.deepStrictEqual(Array.from(d.close), [1.2, 1.3, 1.4]);
    });

    it("loadCandles is its three steps in a row: parse (file order, untouched by repair), repair (order, duplicates), report", () => {
      const steps = require("rnnlab/dist/data/candles");
      const f = write("steps.csv", ["time,open,high,low,close,volume", "120,10,12,9,11,3", "0,10,11,9,10.5,0", "60,10,11,9,10.5,2", "60,10,11,9,10.5,2", "300,10,12,9,11.5,4"].join("\n") + "\n");
      const parsed = steps.parseCandles(f);
      assert.strictEqual(parsed.length, 5);
      assert.deepStrictEqual(Array.from(parsed.time.subarray(0, 5)), [120, 0, 60, 60, 300], "rows in file order");
      assert.deepStrictEqual(Array.from(parsed.line.subarray(0, 5)), [2, 3, 4, 5, 6]);
      const repaired = steps.repairCandles(parsed);
      assert.deepStrictEqual(Array.from(parsed.time.subarray(0, 5)), [120, 0, 60, 60, 300], "repair leaves the parsed rows as they were");
      assert.deepStrictEqual(Array.from(repaired.bars.time), [0, 60, 120, 300]);
      assert.deepStrictEqual(repaired.duplicates, { identical: 1, conflicting: 0 });
      assert.strictEqual(repaired.reordered, 1);
      const report = steps.candleReport(parsed, repaired);
      assert.strictEqual(report.zeroVolume, 1);
      assert.deepStrictEqual(report.gaps, { count: 1, missingBars: 2, largestBars: 2, largestSeconds: 120, largestFrom: 120, largestTo: 300 });
      const c = loadCandles(f);
      assert.deepStrictEqual(report, c.report);
      for (const k of ["time", "open", "high", "low", "close", "volume"]) assert.deepStrictEqual(repaired.bars[k], c[k], k);
    });

    it("understands a date column, milliseconds, and a columns option for other headerless layouts", () => {
      const a = loadCandles(write("dates.csv", "Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,1,1.5,10\n2020-01-03,1.5,2,1,1.8,0\n"));
      assert.deepStrictEqual(Array.from(a.time), [Date.UTC(2020, 0, 2) / 1000, Date.UTC(2020, 0, 3) / 1000]);
      assert.strictEqual(a.report.zeroVolume, 1);
      const ms = loadCandles(write("ms.csv", "open_time,open,high,low,close,volume\n1546617600000,1,2,1,1.5,10\n1546617660000,1,2,1,1.5,10\n"));
      assert.deepStrictEqual(Array.from(ms.time), [1546617600, 1546617660]);
      assert.match(formatReport(ms), /in milliseconds; converted to seconds/);
      const named = ["date", "open", "high", "low", "close", "volume"];
      const dated = loadCandles(write("dated-nohead.csv", "2020-01-02,1,2,1,1.5,10\n2020-01-03,1,2,1,1.5,10\n"), { columns: named });
      assert.strictEqual(dated.length, 2);
      const headed = loadCandles(write("dated-head.csv", "Date,O,H,L,C,V\n2020-01-02,1,2,1,1.5,10\n"), { columns: named });
      assert.strictEqual(headed.length, 1);
      assert.match(headed.report.layout, /header row skipped/);
      const cols = loadCandles(write("cols.csv", "1546617600,10,1,2,1.5,0.5\n"), { columns: ["time", "volume", "open", "high", "close", "low"] });
      assert.deepStrictEqual([cols.open[0], cols.high[0], cols.low[0], cols.close[0], cols.volume[0]], [1, 2, 0.5, 1.5, 10]);
      assert.strictEqual(parseDate("2019-03-12 01:55:00"), 1552355700);
      assert.strictEqual(parseDate("2019-03-12T03:55:00+02:00"), 1552355700);
      assert.ok(Number.isNaN(parseDate("2019-02-30")));
      assert.strictEqual(formatTime(1552355700), "2019-03-12 01:55");
    });

    it("toDataFrame: date, time and the five fields, values unchanged", () => {
      const c = loadCandles(datasetPath("btc-usd-daily.csv"));
      const df = c.toDataFrame();
      assert.deepStrictEqual(df.shape, [5152, 7]);
      assert.deepStrictEqual(df.columns, ["date", "time", "open", "high", "low", "close", "volume"]);
      assert.strictEqual(df["volume"].values[1], 1.9265781400000002);
      assert.strictEqual(df["date"].values[5151], "2025-09-24 00:00");
    });
  });

  describe("bad files are refused with file, line and column", () => {
    const header = "time,open,high,low,close,volume";
    const good = (t) => `${t},10,11,9,10.5,100`;
    const lines = (bad, at) => {
      const out = [header];
      for (let i = 2; i <= 14; i++) out.push(i === at ? bad : good(60 * i));
      return out.join("\n") + "\n";
    };

    it("a value that is not a number", () => {
      rejects(write("x.csv", lines("720,10,11,9,n/a,100", 12)), " line 12: 'close' is not a number ('n/a')");
      rejects(write("empty-field.csv", lines("720,10,,9,10,100", 5)), " line 5: 'high' is empty");
      rejects(write("inf.csv", lines("720,10,Infinity,9,10,100", 3)), " line 3: 'high' is not a number ('Infinity')");
      rejects(write("badtime.csv", lines("noon,10,11,9,10,100", 4)), " line 4: 'time' is not a number ('noon')");
    });

    it("a price that is not positive, a negative volume, high below low", () => {
      rejects(write("zero.csv", lines("720,10,11,0,10,100", 7)), " line 7: 'low' must be positive, found 0");
      rejects(write("neg.csv", lines("720,-10,11,9,10,100", 8)), " line 8: 'open' must be positive, found -10");
      rejects(write("negvol.csv", lines("720,10,11,9,10,-1", 9)), " line 9: 'volume' must be 0 or more, found -1");
      rejects(write("hl.csv", lines("720,10,9,11,10,100", 10)), " line 10: 'high' (9) is below 'low' (11)");
      // In the crypto layout the names are the layout's.
      rejects(write("hl5m.csv", "1546617600,3717.3,3726.09,3725.3,3719.25,105.8\n1546617900,3729.61,3719.14,3720.5,3725.11,142.3\n"), " line 2: 'high' (3719.14) is below 'low' (3729.61)");
    });

    it("missing columns, a row of the wrong width, an unnamed headerless layout", () => {
      rejects(write("nocol.csv", "time,open,high,low,volume\n60,1,2,1,5\n"), " line 1: missing column 'close' (the columns are: time, open, high, low, volume)");
      rejects(write("nocols.csv", "# exported\ntime,price\n60,1\n"), " line 2: missing columns 'open', 'high', 'low', 'close', 'volume' (the columns are: time, price)");
      rejects(write("short.csv", lines("720,10,11,9,10", 6)), " line 6: expected 6 values (time,open,high,low,close,volume), found 5");
      rejects(write("five.csv", "1,2,3,4,5\n"), " line 1: no header row and 5 columns; name them with loadCandles(file, { columns: [...] })");
      rejects(write("dated.csv", "2020-01-02,1,2,1,1.5,10\n"), " line 1: no header row (this line holds values: 2020-01-02,1,2,1,1.5,10); name the columns with loadCandles(file, { columns: [...] })");
      rejects(write("twice.csv", "time,close,Close,open,high,low,volume\n"), " line 1: columns 'close' and 'Close' both give 'close'");
    });

    it("an empty file, a header without rows, a file that is not CSV", () => {
      rejects(write("empty.csv", ""), ": the file is empty");
      rejects(write("blank.csv", "\n\n  \n"), ": the file is empty (only blank lines)");
      rejects(write("header-only.csv", header + "\n"), ": has no data rows (only a header)");
      rejects(write("data.json", '{"time": [1, 2], "close": [3, 4]}'), " line 1: looks like JSON, not CSV (starts with '{')");
      rejects(write("list.json", "\n [1,2,3]"), " line 1: looks like JSON, not CSV (starts with '[')");
      rejects(write("page.csv", "<!DOCTYPE html><html>Not found</html>"), " line 1: looks like HTML or XML, not CSV (starts with '<')");
      rejects(write("image.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])), ": not a CSV text file (binary data: byte 0x00 at offset 8)");
      rejects(write("zipped.csv.gz", zlib.gzipSync(lines("", 0))), ": not a CSV text file (gzip-compressed data; unpack it first)");
      rejects(path.join(tmp, "missing.csv"), ": cannot read the file (not found)");
    });

    it("two time columns that disagree", () => {
      const f = write("twotimes.csv", "timestamp,open,close,volume,unix_timestamp,high,low\n2011-08-18 00:00:00,10.9,10.9,0.5,1313625600,10.9,10.9\n2011-08-20 00:00:00,10.9,11.69,1.9,1313712000,11.85,10.9\n");
      rejects(f, " line 3: 'timestamp' (2011-08-20 00:00:00) disagrees with 'unix_timestamp' (1313712000 = 2011-08-19 00:00 UTC)");
    });
  });

  describe("overflowing numbers, impossible times, a bad first row: refused by line and column, never a crash", () => {
    // The daily layout of datasets/btc-usd-daily.csv, the headerless 5-minute layout, and GOOG's layout.
    const DAILY = "timestamp,open,close,volume,unix_timestamp,high,low";
    const daily = (day, o = "10.9", c = "11.69", v = "1.92", h = "11.85", l = "10.9") => {
      const t = 1313625600 + 86400 * day;
      return `${new Date(t * 1000).toISOString().slice(0, 10)} 00:00:00,${o},${c},${v},${t},${h},${l}`;
    };
    const dailyFile = (name, bad, at) => {
      const out = [DAILY];
      for (let d = 0; d < 8; d++) out.push(d + 2 === at ? bad : daily(d));
      return write(name, out.join("\n") + "\n");
    };
    const m5 = (k) => `${1546617600 + 300 * k},3717.3,3726.09,3725.3,3719.25,105.8`;
    const m5File = (name, bad, at) => {
      const out = [];
      for (let k = 0; k < 8; k++) out.push(k + 1 === at ? bad : m5(k));
      return write(name, out.join("\n") + "\n");
    };
    /** Asserts a plain Error (not a RangeError from deep inside) with exactly `message` after the file's path. */
    const refuses = (file, message, opts) =>
      assert.throws(
        () => loadCandles(file, opts),
        (e) => {
          assert.strictEqual(e.constructor, Error, `${e.constructor.name}: ${e.message}`);
          assert.strictEqual(e.message, `${file}${message}`);
          return true;
        },
      );
    const OVER = "is beyond the largest 64-bit float, about 1.8e308)";

    it("1e309 in 'high', 1e400 in 'volume', every price 1e309: out of range, by line and column (they parsed as Infinity)", () => {
      refuses(dailyFile("high-1e309.csv", daily(2, "10.9", "11.69", "1.92", "1e309"), 4), ` line 4: 'high' is out of range ('1e309' ${OVER}`);
      refuses(dailyFile("vol-1e400.csv", daily(5, "10.9", "11.69", "1e400"), 7), ` line 7: 'volume' is out of range ('1e400' ${OVER}`);
      refuses(m5File("all-1e309.csv", "1546617600,1e309,1e309,1e309,1e309,105.8", 1), ` line 1: 'open' is out of range ('1e309' ${OVER}`);
      refuses(m5File("neg-1e309.csv", "1546618500,3717.3,3726.09,3725.3,-1e309,1", 4), ` line 4: 'close' is out of range ('-1e309' ${OVER}`);
      const goog = write("goog-1e309.csv", "# Open,High,Low,Volume,Close\n828.6,833.4,828.3,1247700,831.6\n828.6,1e309,828.3,1247700,831.6\n");
      refuses(goog, " line 3: 'High' is out of range ('1e309' " + OVER);
      // The largest finite double still loads: the bound is the float's, not an arbitrary one.
      assert.strictEqual(loadCandles(dailyFile("big-ok.csv", daily(2, "10.9", "11.69", "1.7e308"), 4)).volume[2], 1.7e308);
    });

    it("unix_timestamp 1e400 in a daily file: a clear error, not a RangeError from formatTime while the message is built", () => {
      refuses(dailyFile("unix-1e400.csv", daily(3).replace(/,\d{10},/, ",1e400,"), 5), ` line 5: 'unix_timestamp' is out of range ('1e400' ${OVER}`);
      // A date column that disagrees with a valid unix time still says both, in words.
      refuses(dailyFile("disagree.csv", daily(3).replace(/^\d{4}-\d\d-\d\d/, "2099-01-01"), 5), ` line 5: 'timestamp' (2099-01-01 00:00:00) disagrees with 'unix_timestamp' (1313884800 = 2011-08-21 00:00 UTC)`);
      // formatTime and formatDuration describe any number without throwing.
      for (const x of [Infinity, -Infinity, NaN, 1e400, 1e17, -1e17, 8.64e12 + 1]) {
        assert.match(formatTime(x), /\(not a time\)$/, String(x));
        assert.strictEqual(typeof formatDuration(x), "string");
      }
      assert.strictEqual(formatTime(-5364662400), "1800-01-01 00:00");
    });

    it("headerless 5-minute times of Infinity, 1e17 or outside 1800..2100: refused; the bounds themselves load and report", () => {
      refuses(m5File("t-inf.csv", "Infinity,3717.3,3726.09,3725.3,3719.25,105.8", 3), " line 3: 'time' is not a number ('Infinity')");
      refuses(m5File("t-1e17.csv", "1e17,3717.3,3726.09,3725.3,3719.25,105.8", 3), " line 3: 'time' is out of range (1e17 is too large for a unix time in seconds, milliseconds or microseconds between 1800-01-01 .. 2100-01-01 UTC)");
      refuses(m5File("t-1e400.csv", "1e400,3717.3,3726.09,3725.3,3719.25,105.8", 2), ` line 2: 'time' is out of range ('1e400' ${OVER}`);
      refuses(m5File("t-2100.csv", "4102444800,3717.3,3726.09,3725.3,3719.25,105.8", 8), " line 8: 'time' is out of range: 4102444800 (unix seconds) = 2100-01-01 00:00 UTC lies outside 1800-01-01 .. 2100-01-01 UTC, the times a market's history can have");
      refuses(m5File("t-neg.csv", "-9999999999,3717.3,3726.09,3725.3,3719.25,105.8", 2), " line 2: 'time' is out of range: -9999999999 (unix seconds) = 1653-02-10 06:13:21 UTC lies outside 1800-01-01 .. 2100-01-01 UTC, the times a market's history can have");
      // Stretched into milliseconds on one row only: the units disagree, nothing is rescaled silently.
      refuses(m5File("t-mixed.csv", "1546618500000,3717.3,3726.09,3725.3,3719.25,105.8", 4), " line 4: 'time' (1546618500000) looks like unix milliseconds, but line 1 gives it in seconds");
      refuses(write("t-year1.csv", "date,open,high,low,close,volume\n0001-01-01,1,2,1,1.5,10\n"), " line 2: 'date' is out of range: 0001-01-01 lies outside 1800-01-01 .. 2100-01-01 UTC, the times a market's history can have");
      refuses(write("t-3000.csv", "date,open,high,low,close,volume\n2020-01-01,1,2,1,1.5,10\n3000-01-01,1,2,1,1.5,10\n"), " line 3: 'date' is out of range: 3000-01-01 lies outside 1800-01-01 .. 2100-01-01 UTC, the times a market's history can have");
      const edges = loadCandles(write("t-edges.csv", "date,open,high,low,close,volume\n1800-01-01,1,2,1,1.5,10\n2099-12-31 23:55,1,2,1,1.5,10\n"));
      assert.strictEqual(edges.length, 2);
      assert.match(formatReport(edges), /kept 2 rows, 1800-01-01 00:00 \.\. 2099-12-31 23:55 UTC/);
      // Microsecond times (as some exchanges now export) are recognised and said so.
      const us = loadCandles(write("t-us.csv", "open_time,open,high,low,close,volume\n1735689600000000,1,2,1,1.5,10\n1735689900000000,1,2,1,1.5,10\n"));
      assert.deepStrictEqual(Array.from(us.time), [1735689600, 1735689900]);
      assert.match(formatReport(us), /'open_time' is in microseconds; converted to seconds/);
    });

    it("formatReport never throws on the values it describes, even in a report no loader would make", () => {
      const c = loadCandles(m5File("ok.csv", m5(0), 1));
      const r = { ...c.report, first: Infinity, last: NaN, interval: Infinity, gaps: { count: 1, missingBars: Infinity, largestBars: NaN, largestSeconds: Infinity, largestFrom: 1e400, largestTo: -1e17 }, irregularSteps: NaN };
      const text = formatReport(r);
      assert.match(text, /Infinity \(not a time\) \.\. NaN \(not a time\) UTC/);
      assert.match(timeRange({ ...c, time: Float64Array.from([1e17, Infinity]), length: 2 }), /^100000000000000000 \(not a time\) \.\. Infinity \(not a time\) UTC$/);
    });

    it("a headerless file whose first row is bad gets the row's own error, not 'no header row'", () => {
      const bad = {
        NaN: ["1546617600,NaN,3726.09,3725.3,3719.25,105.8", " line 1: 'low' is not a number ('NaN')"],
        Infinity: ["1546617600,3717.3,Infinity,3725.3,3719.25,105.8", " line 1: 'high' is not a number ('Infinity')"],
        text: ["1546617600,3717.3,3726.09,abc,3719.25,105.8", " line 1: 'open' is not a number ('abc')"],
        "text time": ["noon,3717.3,3726.09,3725.3,3719.25,105.8", " line 1: 'time' is not a number ('noon')"],
        truncated: ["1546617600,3717.3,3726", " line 1: expected 6 values (time,low,high,open,close,volume), found 3"],
        empty: ["1546617600,,3726.09,3725.3,3719.25,105.8", " line 1: 'low' is empty"],
      };
      for (const [what, [row, message]] of Object.entries(bad)) {
        refuses(m5File(`first-${what.replace(" ", "-")}.csv`, row, 1), message);
        // With the columns named, the bad row is not skipped as if it were a header: same error.
        refuses(m5File(`first-${what.replace(" ", "-")}-cols.csv`, row, 1), message, { columns: CRYPTO_5M_COLUMNS });
      }
      // A row of names is still a header, and with columns given it is skipped (and the layout says so).
      const named = write("named.csv", ["time,low,high,open,close,volume", m5(0), m5(1)].join("\n"));
      assert.strictEqual(loadCandles(named).report.layout, "header");
      const skipped = loadCandles(named, { columns: CRYPTO_5M_COLUMNS });
      assert.strictEqual(skipped.length, 2);
      assert.strictEqual(skipped.report.layout, "columns option (header row skipped)");
      assert.strictEqual(loadCandles(m5File("plain.csv", m5(0), 1), { columns: CRYPTO_5M_COLUMNS }).report.layout, "columns option");
      // A header with one name garbled is still a header: the error is about the missing column.
      refuses(write("garbled.csv", ["time,low,h1gh,open,close,volume", m5(0)].join("\n")), " line 1: missing column 'high' (the columns are: time, low, h1gh, open, close, volume)");
    });

    it("a ';'- or tab-separated file: the message names the likely separator", () => {
      refuses(
        write("semi.csv", "time;open;high;low;close;volume\n60;1;2;1;1,5;10\n"),
        " line 1: missing columns 'open', 'high', 'low', 'close', 'volume' (the columns are: time;open;high;low;close;volume) (the separator is likely ';': this line has 6 fields separated by ';'; the loader reads comma-separated values)",
      );
      refuses(
        write("semi-nohead.csv", "1546617600;3717.3;3726.09;3725.3;3719.25;105.8\n"),
        " line 1: missing columns 'open', 'high', 'low', 'close', 'volume' (the columns are: 1546617600;3717.3;3726.09;3725.3;3719.25;105.8) (the separator is likely ';': this line has 6 fields separated by ';'; the loader reads comma-separated values)",
      );
      refuses(write("tabs.csv", "time\topen\thigh\tlow\tclose\tvolume\n60\t1\t2\t1\t1.5\t10\n"), " line 1: missing columns 'open', 'high', 'low', 'close', 'volume' (the columns are: time\topen\thigh\tlow\tclose\tvolume) (the separator is likely a tab: this line has 6 fields separated by a tab; the loader reads comma-separated values)");
      refuses(write("semi-row.csv", "time,open,high,low,close,volume\n60,1,2,1,1.5,10\n120;1;2;1;1.5;10\n"), " line 3: expected 6 values (time,open,high,low,close,volume), found 1 (the separator is likely ';': this line has 6 fields separated by ';'; the loader reads comma-separated values)");
    });

    it("Windows-1252 bytes: the message says the file is likely not UTF-8; a UTF-16 file is named as such", () => {
      const cp1252 = (text) => Buffer.from(text, "latin1"); // one byte per character, as Windows-1252 writes é, ß, €
      const file = write("cp1252.csv", Buffer.concat([cp1252("time,open,high,low,close,volume\n60,1,2,1,1.5,10\n120,1,2,1,"), Buffer.from([0x80]), cp1252("1.5,10\n")]));
      refuses(file, " line 3: 'close' is not a number ('\uFFFD1.5') (the file is likely not UTF-8: it holds bytes that are not UTF-8, shown as '\uFFFD'; it may be Windows-1252 or Latin-1: save it as UTF-8)");
      const header = write("cp1252-header.csv", cp1252("Zeit,Er\xf6ffnung,Hoch,Tief,Schlu\xdf,Volumen\n60,1,2,1,1.5,10\n"));
      assert.throws(() => loadCandles(header), (e) => /line 1: missing columns .*\(the file is likely not UTF-8/.test(e.message) && e.message.startsWith(header));
      const utf16 = write("utf16.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("time,open,high,low,close,volume\n", "utf16le")]));
      refuses(utf16, ": the text is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8");
    });
  });
});
