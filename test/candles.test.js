// Candle loading: the shipped files load with their documented counts; repairs are counted; bad files are
// refused with the file, the line and the column named.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const zlib = require("zlib");
const { loadCandles, joinOnTime, formatReport, datasetPath, timeRange, parseDate, formatTime } = require("rnnlab");

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
});
