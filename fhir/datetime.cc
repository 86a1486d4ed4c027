#include "fhir/datetime.h"

#include "base/civil_time.h"

namespace cds::fhir {
namespace {

constexpr int64_t kMillisPerDay = 86'400'000;

// Reads exactly `n` digits at s[*pos]; advances *pos.
bool ReadDigits(std::string_view s, size_t* pos, size_t n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

// Parses "HH:MM:SS(.fff)?(Z|+hh:mm|-hh:mm)?" starting after 'T'. Returns millis of day
// relative to UTC (may fall outside [0, day) once the offset is applied).
bool ParseTime(std::string_view s, size_t pos, int64_t* ms_utc) {
  int hh, mm, ss;
  if (!ReadDigits(s, &pos, 2, &hh) || !Expect(s, &pos, ':') || !ReadDigits(s, &pos, 2, &mm) ||
      !Expect(s, &pos, ':') || !ReadDigits(s, &pos, 2, &ss)) {
    return false;
  }
  if (hh > 23 || mm > 59 || ss > 60) return false;
  if (ss == 60) ss = 59;  // leap second
  int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++digits;
    }
    if (digits == 0) return false;
  }
  int64_t offset_min = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int oh, om;
      if (!ReadDigits(s, &pos, 2, &oh) || !Expect(s, &pos, ':') || !ReadDigits(s, &pos, 2, &om) ||
          oh > 14 || om > 59) {
        return false;
      }
      offset_min = sign * (oh * 60 + om);
    } else {
      return false;
    }
  }
  if (pos != s.size()) return false;
  *ms_utc = ((hh * 60 + mm) * 60 + ss) * 1000LL + ms - offset_min * 60'000;
  return true;
}

}  // namespace

StatusOr<FhirDateTime> ParseFhirDateTime(std::string_view s) {
  auto bad = [&] { return InvalidArgumentError("not a FHIR date/dateTime"); };
  size_t pos = 0;
  int year = 0, month = 1, day = 1;
  if (!ReadDigits(s, &pos, 4, &year) || year < 1) return bad();
  FhirDateTime out;
  if (pos == s.size()) {
    out.precision = DatePrecision::kYear;
    out.begin = DaysFromCivil(year, 1, 1) * kMillisPerDay;
    out.end = DaysFromCivil(year + 1, 1, 1) * kMillisPerDay;
    return out;
  }
  if (!Expect(s, &pos, '-') || !ReadDigits(s, &pos, 2, &month) || month < 1 || month > 12) {
    return bad();
  }
  if (pos == s.size()) {
    out.precision = DatePrecision::kMonth;
    out.begin = DaysFromCivil(year, month, 1) * kMillisPerDay;
    out.end = AddMonths(out.begin, 1);
    return out;
  }
  if (!Expect(s, &pos, '-') || !ReadDigits(s, &pos, 2, &day) || !IsValidDate(year, month, day)) {
    return bad();
  }
  int64_t day_start = DaysFromCivil(year, month, day) * kMillisPerDay;
  if (pos == s.size()) {
    out.precision = DatePrecision::kDay;
    out.begin = day_start;
    out.end = day_start + kMillisPerDay;
    return out;
  }
  int64_t ms = 0;
  if (!Expect(s, &pos, 'T') || !ParseTime(s, pos, &ms)) return bad();
  out.precision = DatePrecision::kTime;
  out.begin = day_start + ms;
  out.end = out.begin + 1;
  return out;
}

std::string FhirDateTime::ToString() const {
  std::string d = FormatDate(begin);
  switch (precision) {
    case DatePrecision::kYear:
      return d.substr(0, 4);
    case DatePrecision::kMonth:
      return d.substr(0, 7);
    case DatePrecision::kDay:
      return d;
    case DatePrecision::kTime:
      return FormatDateTime(begin);
  }
  return d;
}

std::optional<FhirDateTime> GetDateTime(const json::Value& obj, std::string_view key) {
  auto s = json::GetString(obj, key);
  if (!s) return std::nullopt;
  auto dt = ParseFhirDateTime(*s);
  if (!dt.ok()) return std::nullopt;
  return *dt;
}

std::optional<FhirPeriod> GetPeriod(const json::Value& obj, std::string_view key) {
  const json::Value* p = json::GetObject(obj, key);
  if (p == nullptr) return std::nullopt;
  FhirPeriod period{GetDateTime(*p, "start"), GetDateTime(*p, "end")};
  if (!period.start && !period.end) return std::nullopt;
  return period;
}

}  // namespace cds::fhir
