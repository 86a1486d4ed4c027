#include "base/json.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cds::json {
namespace {

enum class LimitHit { kNone, kDepth, kString, kValues, kSurrogate, kInfinite };

// Forwards SAX events to the Document while counting depth, string length and values.
// Returning false stops the parser with kParseErrorTermination.
class LimitingHandler {
 public:
  LimitingHandler(Document& doc, const JsonLimits& limits) : doc_(doc), limits_(limits) {}

  bool Null() { return Count() && doc_.Null(); }
  bool Bool(bool b) { return Count() && doc_.Bool(b); }
  bool Int(int i) { return Count() && doc_.Int(i); }
  bool Uint(unsigned u) { return Count() && doc_.Uint(u); }
  bool Int64(int64_t i) { return Count() && doc_.Int64(i); }
  bool Uint64(uint64_t u) { return Count() && doc_.Uint64(u); }
  // RapidJSON 1.1.0 reads some out-of-range numbers ("1000000000000000000000e290") as
  // infinity instead of failing; JSON has no infinity, and Writer stops at one, so it
  // would silently truncate any re-serialised output (found by tests/fuzz).
  bool Double(double d) {
    if (!std::isfinite(d)) {
      hit_ = LimitHit::kInfinite;
      return false;
    }
    return Count() && doc_.Double(d);
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return Count() && doc_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return CheckString(s, n) && Count() && doc_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    return CheckString(s, n) && doc_.Key(s, n, copy);
  }
  bool StartObject() { return Enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth_;
    return doc_.EndObject(n);
  }
  bool StartArray() { return Enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return doc_.EndArray(n);
  }

  LimitHit hit() const { return hit_; }

 private:
  bool Count() {
    if (++values_ > limits_.max_values) {
      hit_ = LimitHit::kValues;
      return false;
    }
    return true;
  }
  bool CheckString(const char* s, rapidjson::SizeType n) {
    if (n > limits_.max_string_length) {
      hit_ = LimitHit::kString;
      return false;
    }
    // RapidJSON 1.1.0 validates raw UTF-8 but decodes a lone low-surrogate escape
    // ("\udc00") into the invalid UTF-8 bytes ED B0 80. Any ED A0..BF in a decoded
    // string is such a surrogate (raw ones were refused by validation): refuse it too, so
    // every accepted string is valid UTF-8 (found by tests/fuzz, regressions/request/).
    for (rapidjson::SizeType i = 0; i + 1 < n; ++i) {
      auto lead = static_cast<unsigned char>(s[i]);
      auto next = static_cast<unsigned char>(s[i + 1]);
      if (lead == 0xED && next >= 0xA0) {
        hit_ = LimitHit::kSurrogate;
        return false;
      }
    }
    return true;
  }
  bool Enter() {
    if (!Count()) return false;
    if (++depth_ > limits_.max_depth) {
      hit_ = LimitHit::kDepth;
      return false;
    }
    return true;
  }

  Document& doc_;
  const JsonLimits& limits_;
  size_t depth_ = 0;
  size_t values_ = 0;
  LimitHit hit_ = LimitHit::kNone;
};

// Finds the first object holding a repeated member name. Iterative: the document may be
// as deep as the limit allows and we do not want recursion here either.
const Value* FindDuplicateKey(const Value& root, std::string_view* dup) {
  std::vector<const Value*> stack{&root};
  std::vector<std::string_view> names;
  while (!stack.empty()) {
    const Value* v = stack.back();
    stack.pop_back();
    if (v->IsObject()) {
      if (v->MemberCount() > 1) {
        names.clear();
        for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
          names.push_back(AsStringView(it->name));
        }
        std::sort(names.begin(), names.end());
        auto adj = std::adjacent_find(names.begin(), names.end());
        if (adj != names.end()) {
          *dup = *adj;
          return v;
        }
      }
      for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
        if (it->value.IsObject() || it->value.IsArray()) stack.push_back(&it->value);
      }
    } else if (v->IsArray()) {
      for (const Value& e : v->GetArray()) {
        if (e.IsObject() || e.IsArray()) stack.push_back(&e);
      }
    }
  }
  return nullptr;
}

}  // namespace

StatusOr<std::unique_ptr<Document>> ParseJson(std::string_view text, const JsonLimits& limits) {
  auto doc = std::make_unique<Document>();
  rapidjson::MemoryStream ms(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> is(ms);
  LimitingHandler handler(*doc, limits);
  rapidjson::Reader reader;
  // Not kParseFullPrecisionFlag: in RapidJSON 1.1.0 it calls __builtin_clzll(0) on "0e308"
  // (undefined behaviour; tests/fuzz regressions/prefetch_template/). The default parser may
  // land an ulp off a 17-digit decimal, far below any clinical precision.
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  rapidjson::ParseResult result;
  auto generator = [&](Document&) {
    result = reader.Parse<kFlags>(is, handler);
    return !result.IsError();
  };
  doc->Populate(generator);
  if (result.IsError()) {
    switch (handler.hit()) {
      case LimitHit::kDepth:
        return InvalidArgumentError("JSON nesting deeper than " + std::to_string(limits.max_depth) +
                                    " levels at byte " + std::to_string(result.Offset()));
      case LimitHit::kString:
        return ResourceExhaustedError("JSON string longer than " +
                                      std::to_string(limits.max_string_length) + " bytes at byte " +
                                      std::to_string(result.Offset()));
      case LimitHit::kValues:
        return ResourceExhaustedError("JSON document has more than " +
                                      std::to_string(limits.max_values) + " values");
      case LimitHit::kSurrogate:
        return InvalidArgumentError("invalid JSON at byte " + std::to_string(result.Offset()) +
                                    ": unpaired UTF-16 surrogate escape");
      case LimitHit::kInfinite:
        return InvalidArgumentError("invalid JSON at byte " + std::to_string(result.Offset()) +
                                    ": number out of range");
      case LimitHit::kNone:
        break;
    }
    return InvalidArgumentError(std::string("invalid JSON at byte ") +
                                std::to_string(result.Offset()) + ": " +
                                rapidjson::GetParseError_En(result.Code()));
  }
  // RapidJSON reads a NUL byte as the end of input, so "{...}\0<anything>" would parse as
  // "{...}": a raw NUL is never JSON, wherever it stands (found by tests/fuzz).
  if (is.Tell() != text.size()) {
    return InvalidArgumentError("invalid JSON at byte " + std::to_string(is.Tell()) +
                                ": NUL byte outside a string");
  }
  if (limits.reject_duplicate_keys) {
    std::string_view dup;
    if (FindDuplicateKey(*doc, &dup) != nullptr) {
      // The key is echoed only if short and printable; it is a member name, not a value.
      std::string shown = dup.size() <= 64 ? std::string(dup) : std::string(dup.substr(0, 64));
      for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 || c == '"') c = '?';
      }
      return InvalidArgumentError("duplicate JSON member name \"" + shown + "\"");
    }
  }
  return doc;
}

const Value* Find(const Value& obj, std::string_view key) {
  if (!obj.IsObject()) return nullptr;
  Value k(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size())));
  auto it = obj.FindMember(k);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string_view> GetString(const Value& obj, std::string_view key) {
  const Value* v = Find(obj, key);
  if (v == nullptr || !v->IsString()) return std::nullopt;
  return AsStringView(*v);
}

std::optional<double> GetNumber(const Value& obj, std::string_view key) {
  const Value* v = Find(obj, key);
  if (v == nullptr || !v->IsNumber()) return std::nullopt;
  return v->GetDouble();
}

std::optional<int64_t> GetInt64(const Value& obj, std::string_view key) {
  const Value* v = Find(obj, key);
  if (v == nullptr || !v->IsInt64()) return std::nullopt;
  return v->GetInt64();
}

std::optional<bool> GetBool(const Value& obj, std::string_view key) {
  const Value* v = Find(obj, key);
  if (v == nullptr || !v->IsBool()) return std::nullopt;
  return v->GetBool();
}

const Value* GetObject(const Value& obj, std::string_view key) {
  const Value* v = Find(obj, key);
  return (v != nullptr && v->IsObject()) ? v : nullptr;
}

const Value* GetArray(const Value& obj, std::string_view key) {
  const Value* v = Find(obj, key);
  return (v != nullptr && v->IsArray()) ? v : nullptr;
}

std::string_view TypeName(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return "number";
  }
  return "unknown";
}

std::string Serialize(const Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace cds::json
