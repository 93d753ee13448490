//! [`DateTime`]: a UTC instant with nanosecond precision, and the three Smithy timestamp
//! formats: `date-time` (RFC 3339), `epoch-seconds` and `http-date` (IMF-fixdate).
//!
//! The calendar math (days since the epoch <-> proleptic Gregorian date) is written out here
//! with Howard Hinnant's algorithms, so no third-party date type appears in the API and the
//! formatters write digits straight into the caller's buffer.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;
const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An instant in time: whole seconds since the Unix epoch (UTC) plus subsecond nanoseconds.
///
/// Ordering, equality and hashing follow the instant. `Display` writes the `date-time` form.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct DateTime {
    secs: i64,
    nanos: u32,
}

/// A broken-down UTC date and time of day.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// 0 = Monday.
    weekday: usize,
}

impl DateTime {
    /// The instant `secs` seconds after 1970-01-01T00:00:00Z (negative: before it).
    pub const fn from_secs(secs: i64) -> Self {
        Self { secs, nanos: 0 }
    }

    /// Seconds plus nanoseconds; nanoseconds of a second or more carry into the seconds.
    pub fn from_secs_and_nanos(secs: i64, nanos: u32) -> Self {
        Self {
            secs: secs.saturating_add(i64::from(nanos / NANOS_PER_SEC)),
            nanos: nanos % NANOS_PER_SEC,
        }
    }

    /// Milliseconds since the Unix epoch.
    pub fn from_millis(millis: i64) -> Self {
        Self {
            secs: millis.div_euclid(1000),
            // rem_euclid is in 0..1000, so the cast is lossless.
            nanos: millis.rem_euclid(1000) as u32 * 1_000_000,
        }
    }

    /// Whole seconds since the Unix epoch (rounded towards negative infinity).
    pub fn secs(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds past [`secs`](Self::secs), in `0..1_000_000_000`.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Parses an RFC 3339 / ISO 8601 date-time: `2024-01-02T03:04:05Z`, `…05.123Z`,
    /// `…05.123456789Z`, or with an offset such as `+02:00` (converted to UTC). Lowercase `t`
    /// and `z` are accepted, fractional digits past the ninth are dropped, and a value without
    /// a zone is taken as UTC. Years outside 0000–9999 use ISO 8601's expanded form, a sign
    /// and at least four digits (`+10000-01-01T00:00:00Z`, `-0001-12-31T00:00:00Z`), as
    /// [`write_date_time`](Self::write_date_time) writes them, so every `DateTime`
    /// round-trips.
    pub fn parse_date_time(s: &str) -> Result<Self, DateTimeParseError> {
        let err = |reason| DateTimeParseError::new("date-time", s, reason);
        let mut c = Cursor::new(s);
        let year = c.year().ok_or_else(|| err("expected a 4-digit year"))?;
        c.expect(b'-')
            .ok_or_else(|| err("expected '-' after the year"))?;
        let month = c.digits(2).ok_or_else(|| err("expected a 2-digit month"))?;
        c.expect(b'-')
            .ok_or_else(|| err("expected '-' after the month"))?;
        let day = c.digits(2).ok_or_else(|| err("expected a 2-digit day"))?;
        if !(c.eat(b'T') || c.eat(b't')) {
            return Err(err("expected 'T' between the date and the time"));
        }
        let (hour, minute, second, nanos) = c.time_of_day().map_err(err)?;
        let offset = match c.next() {
            None | Some(b'Z' | b'z') => 0,
            Some(sign @ (b'+' | b'-')) => {
                let hh = c
                    .digits(2)
                    .ok_or_else(|| err("expected a 2-digit offset hour"))?;
                c.expect(b':')
                    .ok_or_else(|| err("expected ':' in the offset"))?;
                let mm = c
                    .digits(2)
                    .ok_or_else(|| err("expected 2-digit offset minutes"))?;
                if hh > 23 || mm > 59 {
                    return Err(err("offset out of range"));
                }
                let secs = i64::from(hh * 3600 + mm * 60);
                if sign == b'-' {
                    -secs
                } else {
                    secs
                }
            }
            Some(_) => return Err(err("expected 'Z' or an offset after the time")),
        };
        if !c.at_end() {
            return Err(err("unexpected characters after the time zone"));
        }
        let secs = civil_to_secs(year, month, day, hour, minute, second).map_err(err)?;
        let secs = secs
            .checked_sub(offset)
            .ok_or_else(|| err("out of the range of DateTime"))?;
        Ok(Self::from_secs_and_nanos(secs, nanos))
    }

    /// Parses epoch seconds such as `1515531081`, `1515531081.1234` or `-1.5`.
    pub fn parse_epoch_seconds(s: &str) -> Result<Self, DateTimeParseError> {
        let err = |reason| DateTimeParseError::new("epoch-seconds", s, reason);
        let mut c = Cursor::new(s);
        let negative = c.eat(b'-');
        let mut whole: i64 = 0;
        let mut any = false;
        while let Some(d) = c.digit() {
            any = true;
            whole = whole
                .checked_mul(10)
                .and_then(|w| w.checked_add(i64::from(d)))
                .ok_or_else(|| err("value out of range"))?;
        }
        if !any {
            return Err(err("expected digits"));
        }
        let nanos = if c.eat(b'.') {
            c.fraction()
                .ok_or_else(|| err("expected digits after '.'"))?
        } else {
            0
        };
        if !c.at_end() {
            return Err(err("unexpected characters"));
        }
        Ok(match (negative, nanos) {
            (false, _) => Self::from_secs_and_nanos(whole, nanos),
            (true, 0) => Self::from_secs(-whole),
            // -W.F = -(W + 1) + (1 - 0.F)
            (true, _) => Self::from_secs_and_nanos(-whole - 1, NANOS_PER_SEC - nanos),
        })
    }

    /// Parses an IMF-fixdate (`Tue, 29 Apr 2014 18:30:38 GMT`), optionally with fractional
    /// seconds (`18:30:38.123`). The day name must be valid but is not checked against the date.
    pub fn parse_http_date(s: &str) -> Result<Self, DateTimeParseError> {
        let err = |reason| DateTimeParseError::new("http-date", s, reason);
        let mut c = Cursor::new(s);
        c.name(&DAY_NAMES)
            .ok_or_else(|| err("expected a day name"))?;
        c.tag(b", ")
            .ok_or_else(|| err("expected ', ' after the day name"))?;
        let day = c.digits(2).ok_or_else(|| err("expected a 2-digit day"))?;
        c.expect(b' ')
            .ok_or_else(|| err("expected ' ' after the day"))?;
        let month = c
            .name(&MONTH_NAMES)
            .ok_or_else(|| err("expected a month name"))?;
        c.expect(b' ')
            .ok_or_else(|| err("expected ' ' after the month"))?;
        let year = c.digits(4).ok_or_else(|| err("expected a 4-digit year"))?;
        c.expect(b' ')
            .ok_or_else(|| err("expected ' ' after the year"))?;
        let (hour, minute, second, nanos) = c.time_of_day().map_err(err)?;
        c.tag(b" GMT")
            .ok_or_else(|| err("expected ' GMT' after the time"))?;
        if !c.at_end() {
            return Err(err("unexpected characters after 'GMT'"));
        }
        // `name` returns an index in 0..12.
        let month = month as u32 + 1;
        let secs = civil_to_secs(i64::from(year), month, day, hour, minute, second).map_err(err)?;
        Ok(Self::from_secs_and_nanos(secs, nanos))
    }

    /// Appends the date-time form, `YYYY-MM-DDTHH:MM:SS[.fff…]Z` in UTC. The fraction is
    /// written only when non-zero, without trailing zeros (`.5`, `.123`, `.10741`). Years
    /// outside 0000–9999 are written in ISO 8601's expanded form (`+10000`, `-0001`), which
    /// [`parse_date_time`](Self::parse_date_time) reads back.
    pub fn write_date_time(&self, out: &mut String) {
        // Writing into a String cannot fail.
        let _ = self.write_date_time_with(out, ":");
    }

    /// The date-time form with `colon` between the time fields (the query writer passes the
    /// percent-encoded `%3A`, so a timestamp never needs a second encoding pass).
    pub(crate) fn write_date_time_with<W: fmt::Write>(
        &self,
        w: &mut W,
        colon: &str,
    ) -> fmt::Result {
        let c = self.civil();
        write_year(w, c.year)?;
        w.write_char('-')?;
        write_padded(w, u64::from(c.month), 2)?;
        w.write_char('-')?;
        write_padded(w, u64::from(c.day), 2)?;
        w.write_char('T')?;
        write_padded(w, u64::from(c.hour), 2)?;
        w.write_str(colon)?;
        write_padded(w, u64::from(c.minute), 2)?;
        w.write_str(colon)?;
        write_padded(w, u64::from(c.second), 2)?;
        write_fraction(w, self.nanos)?;
        w.write_char('Z')
    }

    /// The date-time form as a new `String` (see [`write_date_time`](Self::write_date_time)).
    pub fn fmt_date_time(&self) -> String {
        let mut out = String::with_capacity(30);
        self.write_date_time(&mut out);
        out
    }

    /// The epoch-seconds form: `1515531081`, or `1515531081.123` with trailing zeros removed.
    pub fn fmt_epoch_seconds(&self) -> String {
        let mut out = String::with_capacity(24);
        // -W.F is stored as secs = -(W + 1), nanos = 1 - 0.F.
        let (negative, whole, nanos) = if self.secs < 0 && self.nanos > 0 {
            (
                true,
                (self.secs + 1).unsigned_abs(),
                NANOS_PER_SEC - self.nanos,
            )
        } else {
            (self.secs < 0, self.secs.unsigned_abs(), self.nanos)
        };
        if negative {
            out.push('-');
        }
        let _ = write_padded(&mut out, whole, 1);
        let _ = write_fraction(&mut out, nanos);
        out
    }

    /// The http-date form: `Tue, 29 Apr 2014 18:30:38 GMT`, with a fraction such as `.123`
    /// after the seconds when the subsecond part is non-zero.
    pub fn fmt_http_date(&self) -> String {
        let c = self.civil();
        let mut out = String::with_capacity(32);
        let month = (c.month as usize)
            .checked_sub(1)
            .and_then(|i| MONTH_NAMES.get(i));
        let month = month.copied().unwrap_or("???");
        out.push_str(DAY_NAMES.get(c.weekday).copied().unwrap_or("???"));
        out.push_str(", ");
        let _ = write_padded(&mut out, u64::from(c.day), 2);
        out.push(' ');
        out.push_str(month);
        out.push(' ');
        let _ = write_year(&mut out, c.year);
        out.push(' ');
        let _ = write_padded(&mut out, u64::from(c.hour), 2);
        out.push(':');
        let _ = write_padded(&mut out, u64::from(c.minute), 2);
        out.push(':');
        let _ = write_padded(&mut out, u64::from(c.second), 2);
        let _ = write_fraction(&mut out, self.nanos);
        out.push_str(" GMT");
        out
    }

    fn civil(&self) -> Civil {
        let days = self.secs.div_euclid(SECS_PER_DAY);
        // In 0..86_400, so the cast is lossless.
        let sod = self.secs.rem_euclid(SECS_PER_DAY) as u32;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: sod / 3600,
            minute: sod / 60 % 60,
            second: sod % 60,
            // 1970-01-01 was a Thursday (index 3); rem_euclid is in 0..7.
            weekday: (days + 3).rem_euclid(7) as usize,
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_date_time_with(f, ":")
    }
}

impl std::str::FromStr for DateTime {
    type Err = DateTimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_date_time(s)
    }
}

impl From<SystemTime> for DateTime {
    /// Converts, saturating at the ends of the `i64` seconds range.
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Self::from_secs_and_nanos(
                i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                d.subsec_nanos(),
            ),
            Err(before) => {
                let d = before.duration();
                let secs = i64::try_from(d.as_secs()).map_or(i64::MIN, |s| -s);
                match d.subsec_nanos() {
                    0 => Self::from_secs(secs),
                    n => Self::from_secs_and_nanos(secs.saturating_sub(1), NANOS_PER_SEC - n),
                }
            }
        }
    }
}

impl TryFrom<DateTime> for SystemTime {
    type Error = DateTimeRangeError;

    /// Fails when the platform's `SystemTime` cannot represent the instant.
    fn try_from(t: DateTime) -> Result<Self, Self::Error> {
        let whole = Duration::from_secs(t.secs.unsigned_abs());
        let base = if t.secs >= 0 {
            UNIX_EPOCH.checked_add(whole)
        } else {
            UNIX_EPOCH.checked_sub(whole)
        };
        base.and_then(|b| b.checked_add(Duration::from_nanos(u64::from(t.nanos))))
            .ok_or(DateTimeRangeError { value: t })
    }
}

/// A timestamp string that is not valid in the expected format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeParseError {
    format: &'static str,
    input: String,
    reason: &'static str,
}

impl DateTimeParseError {
    fn new(format: &'static str, input: &str, reason: &'static str) -> Self {
        Self {
            format,
            input: super::error::excerpt(input),
            reason,
        }
    }
}

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} timestamp {}: {}",
            self.format, self.input, self.reason
        )
    }
}

impl std::error::Error for DateTimeParseError {}

/// A [`DateTime`] outside the range of [`SystemTime`] on this platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTimeRangeError {
    value: DateTime,
}

impl fmt::Display for DateTimeRangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is out of range for SystemTime",
            self.value.fmt_epoch_seconds()
        )
    }
}

impl std::error::Error for DateTimeRangeError {}

/// A byte cursor over a timestamp string. Every method returns `None` / `false` instead of
/// reading past the end.
struct Cursor<'s> {
    bytes: &'s [u8],
    pos: usize,
}

impl<'s> Cursor<'s> {
    fn new(s: &'s str) -> Self {
        Self {
            bytes: s.as_bytes(),
            pos: 0,
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn next(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.bytes.get(self.pos) == Some(&b);
        self.pos += usize::from(hit);
        hit
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        self.eat(b).then_some(())
    }

    fn tag(&mut self, tag: &[u8]) -> Option<()> {
        let rest = self.bytes.get(self.pos..)?;
        rest.starts_with(tag).then(|| self.pos += tag.len())
    }

    /// Matches one of `names` (all the same length), returning its index.
    fn name(&mut self, names: &[&str]) -> Option<usize> {
        let i = names
            .iter()
            .position(|n| self.bytes.get(self.pos..self.pos + n.len()) == Some(n.as_bytes()))?;
        self.pos += names.get(i)?.len();
        Some(i)
    }

    fn digit(&mut self) -> Option<u32> {
        let b = *self.bytes.get(self.pos)?;
        if !b.is_ascii_digit() {
            return None;
        }
        self.pos += 1;
        Some(u32::from(b - b'0'))
    }

    /// Exactly `n` decimal digits (n <= 9).
    /// Four digits, or a sign and 4 to 12 digits (ISO 8601's expanded years).
    fn year(&mut self) -> Option<i64> {
        let sign = match self.bytes.get(self.pos) {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return self.digits(4).map(i64::from),
        };
        self.pos += 1;
        let mut value: i64 = 0;
        let mut count = 0;
        while count < 12 {
            match self.bytes.get(self.pos) {
                Some(b) if b.is_ascii_digit() => {
                    value = value * 10 + i64::from(b - b'0');
                    self.pos += 1;
                    count += 1;
                }
                _ => break,
            }
        }
        (count >= 4).then_some(sign * value)
    }

    fn digits(&mut self, n: usize) -> Option<u32> {
        (0..n).try_fold(0, |acc, _| Some(acc * 10 + self.digit()?))
    }

    /// One or more digits after a '.', as nanoseconds; digits past the ninth are dropped.
    fn fraction(&mut self) -> Option<u32> {
        let mut nanos = 0;
        let mut count = 0;
        while let Some(d) = self.digit() {
            if count < 9 {
                nanos = nanos * 10 + d;
                count += 1;
            }
        }
        if count == 0 {
            return None;
        }
        Some(nanos * 10u32.pow(9 - count))
    }

    /// `HH:MM:SS[.fraction]`.
    fn time_of_day(&mut self) -> Result<(u32, u32, u32, u32), &'static str> {
        let hour = self.digits(2).ok_or("expected a 2-digit hour")?;
        self.expect(b':').ok_or("expected ':' after the hour")?;
        let minute = self.digits(2).ok_or("expected 2-digit minutes")?;
        self.expect(b':').ok_or("expected ':' after the minutes")?;
        let second = self.digits(2).ok_or("expected 2-digit seconds")?;
        let nanos = if self.eat(b'.') {
            self.fraction().ok_or("expected digits after '.'")?
        } else {
            0
        };
        Ok((hour, minute, second, nanos))
    }
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Validates the fields and returns seconds since the epoch.
fn civil_to_secs(
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> Result<i64, &'static str> {
    if !(1..=12).contains(&month) {
        return Err("month out of range");
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err("day out of range for the month");
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err("time of day out of range");
    }
    let tod = i64::from(hour * 3600 + minute * 60 + second);
    // Before 1970 the day is counted from its end, so the first instant of the range
    // (i64::MIN seconds, in a day that begins before it) still fits.
    let days = days_from_civil(year, month, day);
    let (days, tod) = if days < 0 {
        (days + 1, tod - SECS_PER_DAY)
    } else {
        (days, tod)
    };
    days.checked_mul(SECS_PER_DAY)
        .and_then(|secs| secs.checked_add(tod))
        .ok_or("out of the range of DateTime")
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // 0..=399
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 0..=146_096
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day number (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // 0..=146_096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365
    let mp = (5 * doy + 2) / 153; // 0..=11, March-based
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Writes `value` in decimal, zero-padded to at least `width` digits.
fn write_padded<W: fmt::Write>(w: &mut W, mut value: u64, width: usize) -> fmt::Result {
    let mut buf = [b'0'; 20];
    let mut start = buf.len();
    while value > 0 || start == buf.len() {
        start -= 1;
        buf[start] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    let start = start.min(buf.len().saturating_sub(width));
    w.write_str(std::str::from_utf8(&buf[start..]).unwrap_or_default())
}

/// Four digits for 0000–9999; a sign and at least four digits otherwise (ISO 8601 expanded).
fn write_year<W: fmt::Write>(w: &mut W, year: i64) -> fmt::Result {
    if year < 0 {
        w.write_char('-')?;
    } else if year > 9999 {
        w.write_char('+')?;
    }
    write_padded(w, year.unsigned_abs(), 4)
}

/// `.` and the nanoseconds without trailing zeros; nothing when zero.
fn write_fraction<W: fmt::Write>(w: &mut W, nanos: u32) -> fmt::Result {
    if nanos == 0 {
        return Ok(());
    }
    let (mut value, mut width) = (nanos, 9);
    while value % 10 == 0 {
        value /= 10;
        width -= 1;
    }
    w.write_char('.')?;
    write_padded(w, u64::from(value), width)
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::{DateTime, NANOS_PER_SEC};
    use serde::de::{Error, Visitor};
    use std::fmt;

    impl serde::Serialize for DateTime {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(self)
        }
    }

    impl<'de> serde::Deserialize<'de> for DateTime {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(DateTimeVisitor)
        }
    }

    struct DateTimeVisitor;

    impl Visitor<'_> for DateTimeVisitor {
        type Value = DateTime;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 date-time string or a number of epoch seconds")
        }

        fn visit_str<E: Error>(self, v: &str) -> Result<DateTime, E> {
            DateTime::parse_date_time(v).map_err(E::custom)
        }

        fn visit_i64<E: Error>(self, v: i64) -> Result<DateTime, E> {
            Ok(DateTime::from_secs(v))
        }

        fn visit_u64<E: Error>(self, v: u64) -> Result<DateTime, E> {
            i64::try_from(v)
                .map(DateTime::from_secs)
                .map_err(|_| E::custom("epoch seconds out of range"))
        }

        fn visit_f64<E: Error>(self, v: f64) -> Result<DateTime, E> {
            let whole = v.floor();
            // `i64::MAX as f64` rounds up to 2^63: anything at or above it (or NaN) is out.
            let limit = i64::MAX as f64;
            if !(-limit..limit).contains(&whole) {
                return Err(E::custom("epoch seconds out of range"));
            }
            // Both casts are in range: whole fits i64 and the fraction is in [0, 1e9].
            let nanos = ((v - whole) * f64::from(NANOS_PER_SEC)).round() as u32;
            Ok(DateTime::from_secs_and_nanos(whole as i64, nanos))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dt(s: &str) -> DateTime {
        DateTime::parse_date_time(s).unwrap()
    }

    #[test]
    fn constructors_normalize() {
        assert_eq!(
            DateTime::from_secs_and_nanos(5, 2_500_000_000),
            DateTime::from_secs_and_nanos(7, 500_000_000)
        );
        let t = DateTime::from_millis(-1500);
        assert_eq!((t.secs(), t.subsec_nanos()), (-2, 500_000_000));
        let t = DateTime::from_millis(1_515_531_081_123);
        assert_eq!((t.secs(), t.subsec_nanos()), (1_515_531_081, 123_000_000));
        assert_eq!(DateTime::from_secs(i64::MAX).secs(), i64::MAX);
        assert_eq!(
            DateTime::from_secs_and_nanos(i64::MAX, 1_000_000_000).secs(),
            i64::MAX
        );
    }

    #[test]
    fn parses_date_times() {
        assert_eq!(dt("1970-01-01T00:00:00Z"), DateTime::from_secs(0));
        assert_eq!(
            dt("2024-01-02T03:04:05Z"),
            DateTime::from_secs(1_704_164_645)
        );
        assert_eq!(
            dt("2024-01-02T03:04:05.123Z"),
            DateTime::from_secs_and_nanos(1_704_164_645, 123_000_000)
        );
        assert_eq!(
            dt("2024-01-02T03:04:05.123456789Z").subsec_nanos(),
            123_456_789
        );
        // Digits past nanoseconds are truncated, not rounded.
        assert_eq!(
            dt("2024-01-02T03:04:05.1234567899999Z").subsec_nanos(),
            123_456_789
        );
        assert_eq!(dt("2024-01-02t03:04:05z"), dt("2024-01-02T03:04:05Z"));
        // No zone: UTC.
        assert_eq!(dt("2024-01-02T03:04:05"), dt("2024-01-02T03:04:05Z"));
    }

    #[test]
    fn offsets_convert_to_utc() {
        assert_eq!(dt("2024-01-02T05:04:05+02:00"), dt("2024-01-02T03:04:05Z"));
        assert_eq!(dt("2024-01-01T22:34:05-04:30"), dt("2024-01-02T03:04:05Z"));
        assert_eq!(
            dt("2024-03-01T00:30:00+01:00").fmt_date_time(),
            "2024-02-29T23:30:00Z"
        );
        assert_eq!(dt("1970-01-01T00:00:00+00:00"), DateTime::from_secs(0));
    }

    #[test]
    fn leap_years() {
        assert_eq!(
            dt("2024-02-29T00:00:00Z").fmt_date_time(),
            "2024-02-29T00:00:00Z"
        );
        assert_eq!(
            dt("2000-02-29T12:00:00Z").fmt_date_time(),
            "2000-02-29T12:00:00Z"
        );
        assert!(DateTime::parse_date_time("2023-02-29T00:00:00Z").is_err());
        assert!(DateTime::parse_date_time("1900-02-29T00:00:00Z").is_err());
        assert_eq!(
            dt("2024-12-31T23:59:59Z").secs() - dt("2024-01-01T00:00:00Z").secs(),
            366 * 86_400 - 1
        );
        assert_eq!(
            DateTime::from_secs(951_782_400).fmt_date_time(),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn before_1970() {
        assert_eq!(dt("1969-12-31T23:59:59Z"), DateTime::from_secs(-1));
        assert_eq!(
            DateTime::from_secs(-1).fmt_date_time(),
            "1969-12-31T23:59:59Z"
        );
        let t = dt("1969-12-31T23:59:59.5Z");
        assert_eq!((t.secs(), t.subsec_nanos()), (-1, 500_000_000));
        assert_eq!(
            DateTime::from_millis(-500).fmt_date_time(),
            "1969-12-31T23:59:59.5Z"
        );
        assert_eq!(dt("0000-01-01T00:00:00Z").secs(), -62_167_219_200);
        assert_eq!(
            DateTime::from_secs(-62_167_219_200).fmt_date_time(),
            "0000-01-01T00:00:00Z"
        );
        assert_eq!(
            DateTime::from_secs(-62_167_219_201).fmt_date_time(),
            "-0001-12-31T23:59:59Z"
        );
        assert_eq!(
            dt("9999-12-31T23:59:59Z").fmt_date_time(),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(
            DateTime::from_secs(253_402_300_800).fmt_date_time(),
            "+10000-01-01T00:00:00Z"
        );
    }

    #[test]
    fn fraction_trimming() {
        let f = |nanos| DateTime::from_secs_and_nanos(0, nanos).fmt_date_time();
        assert_eq!(f(0), "1970-01-01T00:00:00Z");
        assert_eq!(f(500_000_000), "1970-01-01T00:00:00.5Z");
        assert_eq!(f(123_000_000), "1970-01-01T00:00:00.123Z");
        assert_eq!(f(107_410_000), "1970-01-01T00:00:00.10741Z");
        assert_eq!(f(1), "1970-01-01T00:00:00.000000001Z");
        assert_eq!(f(123_456_789), "1970-01-01T00:00:00.123456789Z");
    }

    #[test]
    fn date_time_round_trips() {
        for s in [
            "2024-01-02T03:04:05Z",
            "1999-12-31T23:59:59.999999999Z",
            "1969-07-20T20:17:40.1Z",
            "1600-03-01T00:00:00Z",
            "2100-02-28T12:34:56.789Z",
        ] {
            let t = dt(s);
            assert_eq!(t.fmt_date_time(), s);
            assert_eq!(t.to_string(), s);
            assert_eq!(s.parse::<DateTime>().unwrap(), t);
        }
        // Every day of a 401-year span survives days -> civil -> days.
        let start = days_from_civil(1899, 1, 1);
        for days in start..start + 146_097 + 366 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn bad_date_times() {
        for s in [
            "",
            "2024",
            "2024-01-02",
            "2024-01-02 03:04:05Z",
            "2024-1-02T03:04:05Z",
            "2024-13-02T03:04:05Z",
            "2024-00-02T03:04:05Z",
            "2024-01-32T03:04:05Z",
            "2024-01-02T24:00:00Z",
            "2024-01-02T03:60:05Z",
            "2024-01-02T03:04:60Z",
            "2024-01-02T03:04:05.Z",
            "2024-01-02T03:04:05ZZ",
            "2024-01-02T03:04:05+2:00",
            "2024-01-02T03:04:05+24:00",
            "2024-01-02T03:04:05 ",
            "２０２４-01-02T03:04:05Z",
        ] {
            assert!(
                DateTime::parse_date_time(s).is_err(),
                "{s:?} should not parse"
            );
        }
        let e = DateTime::parse_date_time("2024-13-02T03:04:05Z").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid date-time timestamp \"2024-13-02T03:04:05Z\": month out of range"
        );
        let long = "x".repeat(1000);
        let e = DateTime::parse_date_time(&long).unwrap_err().to_string();
        assert!(e.len() < 150, "{e}");
    }

    #[test]
    fn epoch_seconds() {
        let p = |s| DateTime::parse_epoch_seconds(s).unwrap();
        assert_eq!(p("1515531081"), DateTime::from_secs(1_515_531_081));
        assert_eq!(
            p("1515531081.1234"),
            DateTime::from_secs_and_nanos(1_515_531_081, 123_400_000)
        );
        assert_eq!(p("-1.5"), DateTime::from_secs_and_nanos(-2, 500_000_000));
        assert_eq!(p("-0.25"), DateTime::from_secs_and_nanos(-1, 750_000_000));
        assert_eq!(p("-7"), DateTime::from_secs(-7));
        assert_eq!(p("0"), DateTime::from_secs(0));
        for s in [
            "",
            "-",
            "1.",
            ".5",
            "1e9",
            "12a",
            "+1",
            "99999999999999999999",
        ] {
            assert!(
                DateTime::parse_epoch_seconds(s).is_err(),
                "{s:?} should not parse"
            );
        }
        assert_eq!(
            DateTime::from_secs(1_515_531_081).fmt_epoch_seconds(),
            "1515531081"
        );
        assert_eq!(
            DateTime::from_millis(1_515_531_081_123).fmt_epoch_seconds(),
            "1515531081.123"
        );
        assert_eq!(DateTime::from_millis(-1500).fmt_epoch_seconds(), "-1.5");
        assert_eq!(DateTime::from_millis(-250).fmt_epoch_seconds(), "-0.25");
        assert_eq!(DateTime::from_secs(-7).fmt_epoch_seconds(), "-7");
        assert_eq!(
            DateTime::from_secs(i64::MIN).fmt_epoch_seconds(),
            "-9223372036854775808"
        );
        for s in [
            "1515531081.123",
            "-1.5",
            "-0.25",
            "0",
            "-9223372036854775807",
        ] {
            assert_eq!(p(s).fmt_epoch_seconds(), s);
        }
    }

    #[test]
    fn http_dates() {
        let t = DateTime::parse_http_date("Tue, 29 Apr 2014 18:30:38 GMT").unwrap();
        assert_eq!(t, dt("2014-04-29T18:30:38Z"));
        assert_eq!(t.fmt_http_date(), "Tue, 29 Apr 2014 18:30:38 GMT");
        let t = DateTime::parse_http_date("Tue, 29 Apr 2014 18:30:38.123 GMT").unwrap();
        assert_eq!(t.subsec_nanos(), 123_000_000);
        assert_eq!(t.fmt_http_date(), "Tue, 29 Apr 2014 18:30:38.123 GMT");
        assert_eq!(
            DateTime::from_secs(0).fmt_http_date(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(
            DateTime::from_secs(-1).fmt_http_date(),
            "Wed, 31 Dec 1969 23:59:59 GMT"
        );
        assert_eq!(
            dt("2024-02-29T00:00:00Z").fmt_http_date(),
            "Thu, 29 Feb 2024 00:00:00 GMT"
        );
        for s in [
            "",
            "Tue, 29 Apr 2014 18:30:38",
            "Tue 29 Apr 2014 18:30:38 GMT",
            "Tue, 29 Foo 2014 18:30:38 GMT",
            "Xyz, 29 Apr 2014 18:30:38 GMT",
            "Tue, 31 Apr 2014 18:30:38 GMT",
            "Tue, 29 Apr 2014 18:30:38 UTC",
            "Tue, 29 Apr 2014 18:30:38 GMT ",
            "2014-04-29T18:30:38Z",
        ] {
            assert!(
                DateTime::parse_http_date(s).is_err(),
                "{s:?} should not parse"
            );
        }
    }

    #[test]
    fn system_time() {
        let t = SystemTime::try_from(DateTime::from_secs_and_nanos(1_515_531_081, 5)).unwrap();
        assert_eq!(
            t.duration_since(UNIX_EPOCH).unwrap(),
            Duration::new(1_515_531_081, 5)
        );
        assert_eq!(
            DateTime::from(t),
            DateTime::from_secs_and_nanos(1_515_531_081, 5)
        );
        let before = UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(DateTime::from(before), DateTime::from_millis(-1500));
        assert_eq!(
            SystemTime::try_from(DateTime::from_millis(-1500)).unwrap(),
            before
        );
        // Whether the extremes fit depends on the platform: either way, no panic, and what
        // converts comes back unchanged.
        for t in [
            DateTime::from_secs(i64::MIN),
            DateTime::from_secs_and_nanos(i64::MIN, 1),
            DateTime::from_secs_and_nanos(i64::MAX, 999_999_999),
        ] {
            match SystemTime::try_from(t) {
                Ok(st) => assert_eq!(DateTime::from(st), t),
                Err(e) => assert_eq!(e, DateTimeRangeError { value: t }),
            }
        }
        let e = DateTimeRangeError {
            value: DateTime::from_millis(-1500),
        };
        assert_eq!(e.to_string(), "-1.5 is out of range for SystemTime");
        let now = SystemTime::now();
        assert_eq!(SystemTime::try_from(DateTime::from(now)).unwrap(), now);
    }

    #[test]
    fn ordering() {
        assert!(DateTime::from_millis(-1) < DateTime::from_secs(0));
        assert!(DateTime::from_secs_and_nanos(1, 1) > DateTime::from_secs(1));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_forms() {
        let t = DateTime::from_millis(1_515_531_081_123);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2018-01-09T20:51:21.123Z\""
        );
        let back: DateTime = serde_json::from_str("\"2018-01-09T20:51:21.123Z\"").unwrap();
        assert_eq!(back, t);
        let n: DateTime = serde_json::from_str("1515531081").unwrap();
        assert_eq!(n, DateTime::from_secs(1_515_531_081));
        let f: DateTime = serde_json::from_str("1515531081.5").unwrap();
        assert_eq!(f, DateTime::from_secs_and_nanos(1_515_531_081, 500_000_000));
        let neg: DateTime = serde_json::from_str("-1.5").unwrap();
        assert_eq!(neg, DateTime::from_millis(-1500));
        assert!(serde_json::from_str::<DateTime>("\"yesterday\"").is_err());
        assert!(serde_json::from_str::<DateTime>("1e300").is_err());
        assert!(serde_json::from_str::<DateTime>("18446744073709551615").is_err());
        assert!(serde_json::from_str::<DateTime>("true").is_err());
    }

    #[test]
    fn every_date_time_round_trips_through_display() {
        let mut values = vec![
            DateTime::from_secs(i64::MIN),
            DateTime::from_secs_and_nanos(i64::MAX, 999_999_999),
            DateTime::from_secs(253_402_300_800), // 10000-01-01T00:00:00Z
            DateTime::from_secs(253_402_300_799), // 9999-12-31T23:59:59Z
            DateTime::from_secs(-62_167_219_200), // 0000-01-01T00:00:00Z
            DateTime::from_secs(-62_167_219_201), // -0001-12-31T23:59:59Z
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            // xorshift64*
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
            let secs = (r as i64) >> (r % 40);
            values.push(DateTime::from_secs_and_nanos(
                secs,
                (r >> 34) as u32 % NANOS_PER_SEC,
            ));
        }
        for t in values {
            let text = t.to_string();
            assert_eq!(text.parse::<DateTime>().ok(), Some(t), "{text}");
        }
        assert_eq!(
            DateTime::from_secs(253_402_300_800).to_string(),
            "+10000-01-01T00:00:00Z"
        );
        assert_eq!(
            DateTime::from_secs(-62_167_219_201).to_string(),
            "-0001-12-31T23:59:59Z"
        );
        assert_eq!(
            DateTime::from_secs(i64::MIN).to_string(),
            "-292277022657-01-27T08:29:52Z"
        );
        // Out of range, or not the expanded form: errors, not panics or wrap-arounds.
        for bad in [
            "+292277026597-01-01T00:00:00Z",
            "-999999999999-01-01T00:00:00Z",
            "+999-01-01T00:00:00Z",
            "10000-01-01T00:00:00Z",
            "+1234567890123-01-01T00:00:00Z",
        ] {
            assert!(bad.parse::<DateTime>().is_err(), "{bad}");
        }
    }
}
