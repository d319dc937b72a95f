// Typed clock times read exactly as assessments/timeparse.py reads them, so the
// minutes the session form shows while typing match what the server will
// count ("0815A", "8:15 am", "20:15:30"). The server's reading is the one
// saved; tests/e2e/test_clock_script.py holds the two to the same answers.
window.perfnoteClock = (function () {
  "use strict";
  const MERIDIEM = String.raw`(?:\s*([ap])\.?(?:\s*m\.?)?)?`;
  const RUN_TOGETHER = new RegExp(String.raw`^([0-9]{3,6})` + MERIDIEM + "$", "i");
  const SEPARATED = new RegExp(
    String.raw`^([0-9]{1,2})(?:[:.]([0-9]{2})(?:[:.]([0-9]{2}))?)?` + MERIDIEM + "$", "i",
  );

  // Return the seconds of the day a typed time names, or null.
  function seconds(value) {
    const typed = (value || "").trim().split(/\s+/).join(" ");
    let parts;
    let match = RUN_TOGETHER.exec(typed);
    if (match) {
      // Minutes and seconds take two digits each; the hour takes what is left.
      const digits = match[1];
      const hourEnd = digits.length - (digits.length <= 4 ? 2 : 4);
      parts = [digits.slice(0, hourEnd), digits.slice(hourEnd, hourEnd + 2), digits.slice(hourEnd + 2) || "0", match[2]];
    } else if ((match = SEPARATED.exec(typed)) && (match[2] !== undefined || match[4] !== undefined)) {
      // A bare hour ("8") is refused, as on the server.
      parts = [match[1], match[2] || "0", match[3] || "0", match[4]];
    } else {
      return null;
    }
    let [hour, minute, second] = parts.slice(0, 3).map(Number);
    const meridiem = parts[3];
    if (meridiem) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (meridiem.toLowerCase() === "p" ? 12 : 0);
    }
    if (hour > 23 || minute > 59 || second > 59) return null;
    return hour * 3600 + minute * 60 + second;
  }

  return { seconds };
})();
