package dev.taskmesh.infra;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * {@link Instant#toString()} and {@link Instant#parse} without {@code DateTimeFormatter}, for the
 * dates every run carries through the pipeline: each status change formats and parses a run's dates
 * several times (event messages, store documents, bulk writes), and the formatter's general
 * machinery (a parse context, a map of fields, a resolver per call) was about a tenth of the bytes
 * the pipeline allocated per run. Same text, same instants: years 0000–9999 and the JDK's
 * fraction digits (none, or groups of three as needed) take the direct path; anything else (another
 * year, an offset, a malformed text) goes to the JDK, which answers or throws as it always did.
 */
public final class IsoInstants {

  private static final long SECONDS_PER_DAY = 86_400;
  private static final long FIRST_DAY = daysFromCivil(0, 1, 1);
  private static final long AFTER_LAST_DAY = daysFromCivil(10_000, 1, 1);
  private static final int[] POWERS = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

  private IsoInstants() {}

  /** The same text as {@link Instant#toString()}. */
  public static String format(Instant instant) {
    long days = Math.floorDiv(instant.getEpochSecond(), SECONDS_PER_DAY);
    if (days < FIRST_DAY || days >= AFTER_LAST_DAY) {
      return instant.toString();
    }
    int secondOfDay = (int) Math.floorMod(instant.getEpochSecond(), SECONDS_PER_DAY);
    int nanos = instant.getNano();
    int digits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
    byte[] text = new byte[20 + (digits == 0 ? 0 : digits + 1)];
    // civil date from days since 1970-01-01 (H. Hinnant's algorithm)
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long shiftedMonth = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
    int month = (int) (shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    put(text, 0, year, 4);
    text[4] = '-';
    put(text, 5, month, 2);
    text[7] = '-';
    put(text, 8, day, 2);
    text[10] = 'T';
    put(text, 11, secondOfDay / 3_600, 2);
    text[13] = ':';
    put(text, 14, secondOfDay / 60 % 60, 2);
    text[16] = ':';
    put(text, 17, secondOfDay % 60, 2);
    if (digits > 0) {
      text[19] = '.';
      put(text, 20, nanos / POWERS[digits - 1], digits);
    }
    text[text.length - 1] = 'Z';
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /** The same instant as {@link Instant#parse}, which also answers (or throws) for anything not in the direct path. */
  public static Instant parse(CharSequence text) {
    int length = text.length();
    if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || !shape(text)) {
      return Instant.parse(text);
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 2);
    int day = number(text, 8, 2);
    int hour = number(text, 11, 2);
    int minute = number(text, 14, 2);
    int second = number(text, 17, 2);
    int nanos = 0;
    if (length > 20) {
      int digits = length - 21;
      if (text.charAt(19) != '.' || digits < 1 || !digits(text, 20, digits)) {
        return Instant.parse(text);
      }
      nanos = number(text, 20, digits) * POWERS[digits - 1];
    }
    if (month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
      return Instant.parse(text); // out of range, or a leap second: the JDK's rules
    }
    long seconds = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3_600L + minute * 60L + second;
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static boolean shape(CharSequence text) {
    return digits(text, 0, 4) && text.charAt(4) == '-' && digits(text, 5, 2) && text.charAt(7) == '-' && digits(text, 8, 2)
        && text.charAt(10) == 'T' && digits(text, 11, 2) && text.charAt(13) == ':' && digits(text, 14, 2)
        && text.charAt(16) == ':' && digits(text, 17, 2);
  }

  private static boolean digits(CharSequence text, int from, int count) {
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static int number(CharSequence text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      value = value * 10 + (text.charAt(i) - '0');
    }
    return value;
  }

  private static void put(byte[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  private static int lengthOfMonth(int year, int month) {
    boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    return switch (month) {
      case 2 -> leap ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
  private static long daysFromCivil(long year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    long era = Math.floorDiv(year, 400);
    long yearOfEra = year - era * 400;
    long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }
}
