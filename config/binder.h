// Schema: a config section declared once -- each field's name, C++ member, type,
// constraints and doc line -- and, from that one declaration, everything else:
//  - Read(): parsing, with errors that name the file and JSON path
//    ("knowledge/rules/x.json: $.tests[1].codes: unknown value set 'hbs'");
//  - refusal of any member the declaration does not name (a misspelt key never silently
//    falls back to a default); members starting with "_" are comments;
//  - Validate(): the same constraints over a value set in code (command-line flags);
//  - Keys(), Texts(), Describe(): the keys, the values as text and a reference for
//    documentation (docs/rules.md, docs/configuration.md).
//
//   struct Exposure { fhir::CodeSet drugs; CalendarSpan lookback; };
//   config::Schema<Exposure> s;
//   s.Field("drugs", &Exposure::drugs, "value set of the drug");
//   s.Field("lookback", &Exposure::lookback, "patient-view: how far back a use counts");
//   StatusOr<Exposure> e = s.Read(node, context);
//
// A field is required unless declared Optional() -- absent, the member keeps the value
// its struct initialises it with, which is so the one place a default is written -- or
// its member is a std::optional (absent: nullopt). Field types: bool, integers, double,
// std::string (non-empty unless AllowEmpty()), CalendarSpan ("12mo"), CodeEntry, text
// templates (Template(), with the placeholders the code fills), nested objects (Object()),
// enums (Enum()), std::optional and std::vector of any of these, and any type with a
// FieldType<> specialisation (hooks/rule_kit reads value-set names as CodeSets that way).
// Numbers are checked for the C++ type's range before any constraint ("is out of range").
//
// A Schema is built once (usually into a function-local static) and is then immutable;
// reading and validating are const and thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/civil_time.h"
#include "base/decimal.h"
#include "base/json.h"
#include "base/status.h"

#include "config/knowledge.h"
#include "config/node.h"
#include "config/template.h"

namespace cds::config {

// What a field reader may consult besides the JSON: the knowledge (value sets, code
// system aliases). Null where there is none (server settings).
struct BindContext {
  const Knowledge* knowledge = nullptr;
};

// How a value type is read from its JSON node, and written as text for documentation.
// Specialise it to add a field type:
//   static StatusOr<V> Read(const Node& n, const BindContext& ctx);  // n: the value's node
//   static std::string Text(const V& v);        // optional: the value as docs show it
//   static constexpr bool kObject = true;       // optional: written as a JSON object
//   static constexpr std::string_view kName = "value set";  // the type, for the reference
template <typename V>
struct FieldType;

template <>
struct FieldType<bool> {
  static StatusOr<bool> Read(const Node& n, const BindContext&);
  static std::string Text(bool v) { return v ? "true" : "false"; }
  static constexpr std::string_view kName = "true/false";
};

template <>
struct FieldType<CalendarSpan> {
  static StatusOr<CalendarSpan> Read(const Node& n, const BindContext&);
  static std::string Text(const CalendarSpan& v) { return v.ToString(); }
  static constexpr std::string_view kName = "duration (12mo, 90d, 2w, 5y)";
};

template <>
struct FieldType<CodeEntry> {
  static StatusOr<CodeEntry> Read(const Node& n, const BindContext& ctx);
  static constexpr bool kObject = true;
  static constexpr std::string_view kName = "code {system, code, display, source}";
};

// One line of the configuration reference.
struct FieldDoc {
  std::string key;          // "exposure.lookback", "tests[].codes"
  std::string type;         // "value set", "integer", "list of objects"
  std::string requirement;  // "required", "optional", "default 32"
  std::string constraints;  // "must be 1-48; must list at least one test"
  std::string doc;
  // The key of the enclosing object read by a Shared() schema ("duloxetine" for
  // "duloxetine.dose.value"); "" for a field the rule's own declaration names.
  std::string shared_root = "";
};

namespace binder_internal {

template <typename V>
concept Number = std::is_arithmetic_v<V> && !std::is_same_v<V, bool>;

template <typename V>
concept HasText = requires(const V& v) {
  { FieldType<V>::Text(v) } -> std::convertible_to<std::string>;
};

template <typename V>
constexpr bool IsObjectType() {
  if constexpr (requires { FieldType<V>::kObject; }) {
    return FieldType<V>::kObject;
  } else {
    return false;
  }
}

template <typename V>
std::string TypeName() {
  if constexpr (std::is_same_v<V, std::string>) {
    return "text";
  } else if constexpr (std::is_same_v<V, bool>) {
    return "true/false";
  } else if constexpr (std::is_integral_v<V>) {
    return "integer";
  } else if constexpr (std::is_floating_point_v<V>) {
    return "number";
  } else if constexpr (requires { FieldType<V>::kName; }) {
    return std::string(FieldType<V>::kName);
  } else {
    return "value";
  }
}

// The member type M as the element E it holds: M itself, std::optional<E> or std::vector<E>.
template <typename M>
struct Shape {
  using Element = M;
  static constexpr bool kOptional = false;
  static constexpr bool kList = false;
};
template <typename E>
struct Shape<std::optional<E>> {
  using Element = E;
  static constexpr bool kOptional = true;
  static constexpr bool kList = false;
};
template <typename E>
struct Shape<std::vector<E>> {
  using Element = E;
  static constexpr bool kOptional = false;
  static constexpr bool kList = true;
};

// Bounds on a number, checked on the value as written (before it is narrowed to the
// member's type, so -1 for a size is "must be > 0", not a wrapped huge size).
struct Bounds {
  std::optional<double> min, max;
  bool min_exclusive = false, max_exclusive = false;
  std::string message;  // "must be 1-48", "must be > 0"

  bool Holds(double v) const;
};

// A field of struct T, type-erased so a Schema<T> can hold fields of any member type.
template <typename T>
class FieldBase {
 public:
  FieldBase(std::string name, std::string doc) : name_(std::move(name)), doc_(std::move(doc)) {}
  virtual ~FieldBase() = default;

  const std::string& name() const { return name_; }
  const std::string& doc() const { return doc_; }
  bool optional() const { return optional_; }
  void set_optional() { optional_ = true; }

  // Reads member name() of `parent` into `out`; absent keeps `out` as it is.
  virtual Status Read(const Node& parent, const BindContext& ctx, T& out) const = 0;
  // The field's constraints over `value`; errors read "<path><name> <message>".
  virtual Status Validate(const T& value, const std::string& path) const = 0;
  // Documentation: keys (objects of plain fields expanded one level), values as text.
  virtual void Keys(const std::string& prefix, bool expand,
                    std::vector<std::string>& out) const = 0;
  virtual void Texts(const T& value, const std::string& prefix,
                     TextTemplate::Values& out) const = 0;
  virtual void Describe(const T& defaults, const std::string& prefix,
                        std::vector<FieldDoc>& out) const = 0;
  // True for a value that is not an object or a list of objects (docs list it by name).
  virtual bool plain() const = 0;

 private:
  std::string name_;
  std::string doc_;
  bool optional_ = false;
};

std::string JoinWords(const std::vector<std::string>& words);  // "a, b or c"
Status CheckNoUnknownKeys(const Node& n, const std::vector<std::string>& known,
                          std::string_view message);

}  // namespace binder_internal

template <typename T>
class Schema;

// Configures the field just declared: Schema<T>::Field(...).Optional().Range(1, 48).
template <typename T, typename M>
class FieldRef;

template <typename T>
class Schema {
 public:
  Schema() = default;

  // A field of a plain type (numbers, strings, spans, codes, FieldType<> types, and
  // std::optional / std::vector of them).
  template <typename M>
  FieldRef<T, M> Field(std::string name, M T::*member, std::string doc);

  // As above, for a member of a member: the key is flat in JSON but grouped in C++
  // ("limits": {"max_json_depth"} into LimitsConfig::json.max_depth).
  template <typename O, typename M>
  FieldRef<T, M> Field(std::string name, O T::*outer, M O::*inner, std::string doc);

  // A nested object (or std::optional / std::vector of objects) read by `schema`.
  template <typename M, typename S>
  FieldRef<T, M> Object(std::string name, M T::*member, Schema<S> schema, std::string doc);

  // A card text whose {placeholders} must be among `placeholders` (checked at load).
  template <typename M>
  FieldRef<T, M> Template(std::string name, M T::*member, std::vector<std::string> placeholders,
                          std::string doc);

  // A string that names one value of an enum. `message` defaults to "must be a, b or c".
  template <typename M>
  FieldRef<T, M> Enum(
      std::string name, M T::*member,
      std::vector<std::pair<std::string, typename binder_internal::Shape<M>::Element>> names,
      std::string doc, std::string message = "");

  // A value read by hand: `read` gets the member's node (present) and fills `out`. For one
  // JSON value that sets several members ("listen": host and port). `default_text` is
  // what an absent key means ("" for a required key).
  Schema& Custom(std::string name,
                 std::function<Status(const Node& value, const BindContext& ctx, T& out)> read,
                 std::string type, std::string doc, std::string default_text = "");

  // Marks a schema reused by many declarations (a medication order, a threshold): the
  // lines Describe() gives for its fields carry the key of the object as shared_root, and
  // its constraints are tested with the schema rather than with each use.
  Schema& Shared() {
    shared_ = true;
    return *this;
  }
  bool shared() const { return shared_; }

  // Members read elsewhere (the common keys of every rule file): not refused here.
  Schema& Allow(std::vector<std::string> keys);
  // The message for a member nobody declared (default "unknown setting (misspelt?)").
  Schema& UnknownKeyMessage(std::string message);
  // A check over the whole object after its fields were read: rules between fields, and
  // values derived from them. `n` is the object's node, for errors that name a path.
  // `description` ("needs 0 < min < max") is listed with the object in Describe().
  Schema& Check(std::function<Status(const Node& n, T& value)> check, std::string description = "");

  // Reads `n` (an object) into a default-constructed T / into `out`.
  StatusOr<T> Read(const Node& n, const BindContext& ctx = {}) const;
  Status ReadInto(const Node& n, const BindContext& ctx, T& out) const;

  // Every field constraint over a value built in code; errors read "limits.max_pages
  // must be > 0" (`path` is the prefix, e.g. "limits.").
  Status Validate(const T& value, const std::string& path = "") const;

  // The keys as docs/rules.md lists them: objects whose fields are all plain values are
  // expanded one level ("exposure.drugs"), other objects are named ("order") and lists
  // of objects written "tests[]".
  std::vector<std::string> Keys() const;
  // Every plain value of `value` by its dotted path ("exposure.lookback" -> "12 months"),
  // nested objects included, lists left out: the placeholders of documentation texts.
  TextTemplate::Values Texts(const T& value) const;
  // One line per field, nested objects and lists of objects included, with the default
  // from `defaults` for optional fields.
  std::vector<FieldDoc> Describe(const T& defaults = T{}) const;

  // Internal, for Object(): true when every field is a plain value.
  bool AllPlain() const;
  const std::vector<std::string>& check_descriptions() const { return check_descriptions_; }
  void KeysUnder(const std::string& prefix, std::vector<std::string>& out) const;
  void TextsUnder(const T& value, const std::string& prefix, TextTemplate::Values& out) const;
  void DescribeUnder(const T& defaults, const std::string& prefix,
                     std::vector<FieldDoc>& out) const;

 private:
  template <typename U, typename M>
  friend class FieldRef;

  std::vector<std::shared_ptr<binder_internal::FieldBase<T>>> fields_;
  std::vector<std::string> allowed_;
  std::string unknown_message_ = "unknown setting (misspelt?)";
  std::vector<std::function<Status(const Node&, T&)>> checks_;
  std::vector<std::string> check_descriptions_;
  bool shared_ = false;
};

namespace binder_internal {

// The reader and text of the element type E of a member, set by the Schema method that
// declared the field.
template <typename E>
struct ElementCodec {
  std::function<StatusOr<E>(const Node&, const BindContext&)> read;
  std::function<std::string(const E&)> text;  // null: no text form
  bool object = false;                        // written as a JSON object
  bool plain_object = false;                  // ... whose fields are all plain
  std::function<void(const std::string&, std::vector<std::string>&)> keys;  // objects
  std::function<void(const E&, const std::string&, TextTemplate::Values&)> texts;
  std::function<Status(const E&, const std::string&)> validate;  // objects
  std::function<void(const E&, const std::string&, std::vector<FieldDoc>&)> describe;
  std::string type;
  std::vector<std::string> constraints;  // of an object as a whole
};

// Where in a T a field's value lives: a member, or a member of a member.
template <typename T, typename M>
struct Access {
  std::function<M&(T&)> get;
  std::function<const M&(const T&)> get_const;
};

template <typename T, typename M>
Access<T, M> MemberAccess(M T::*member) {
  return {[member](T& t) -> M& { return t.*member; },
          [member](const T& t) -> const M& { return t.*member; }};
}

template <typename T, typename O, typename M>
Access<T, M> NestedAccess(O T::*outer, M O::*inner) {
  return {[outer, inner](T& t) -> M& { return (t.*outer).*inner; },
          [outer, inner](const T& t) -> const M& { return (t.*outer).*inner; }};
}

template <typename T, typename M>
class ValueField final : public FieldBase<T> {
 public:
  using S = Shape<M>;
  using E = typename S::Element;

  ValueField(std::string name, Access<T, M> access, std::string doc, ElementCodec<E> codec)
      : FieldBase<T>(std::move(name), std::move(doc)),
        access_(std::move(access)),
        codec_(std::move(codec)) {
    if constexpr (S::kOptional) this->set_optional();
  }

  Status Read(const Node& parent, const BindContext& ctx, T& out) const override {
    std::optional<Node> n = parent.OptionalChild(this->name());
    if (!n) {
      if (this->optional()) return OkStatus();
      return parent.ErrorAt(this->name(), "is required");
    }
    if constexpr (S::kList) {
      if (!n->value().IsArray()) {
        return n->Error(std::is_same_v<E, std::string> ? "must be an array of strings"
                                                       : "must be an array");
      }
      M list;
      for (const Node& el : n->Elements()) {
        auto v = ReadElement(el, ctx);
        if (!v.ok()) return v.status();
        list.push_back(std::move(v).value());
      }
      if (!non_empty_.empty() && list.empty()) return n->Error(non_empty_);
      access_.get(out) = std::move(list);
    } else {
      auto v = ReadElement(*n, ctx);
      if (!v.ok()) return v.status();
      access_.get(out) = std::move(v).value();
    }
    return OkStatus();
  }

  Status Validate(const T& value, const std::string& path) const override {
    const M& m = access_.get_const(value);
    std::string where = path + this->name();
    if constexpr (S::kList) {
      if (!non_empty_.empty() && m.empty()) return InvalidArgumentError(where + " " + non_empty_);
      for (size_t i = 0; i < m.size(); ++i) {
        Status s = ValidateElement(m[i], where + "[" + std::to_string(i) + "]");
        if (!s.ok()) return s;
      }
      return OkStatus();
    } else if constexpr (S::kOptional) {
      return m ? ValidateElement(*m, where) : OkStatus();
    } else {
      return ValidateElement(m, where);
    }
  }

  void Keys(const std::string& prefix, bool expand, std::vector<std::string>& out) const override {
    std::string key = prefix + this->name();
    if constexpr (S::kList) {
      out.push_back(key + (codec_.object ? "[]" : ""));
    } else {
      if (expand && codec_.plain_object && codec_.keys) {
        codec_.keys(key + ".", out);
      } else {
        out.push_back(key);
      }
    }
  }

  void Texts(const T& value, const std::string& prefix, TextTemplate::Values& out) const override {
    if constexpr (!S::kList) {
      const E* e = nullptr;
      if constexpr (S::kOptional) {
        if (!access_.get_const(value)) return;
        e = &*access_.get_const(value);
      } else {
        e = &access_.get_const(value);
      }
      std::string key = prefix + this->name();
      if (codec_.texts) {
        codec_.texts(*e, key + ".", out);
      } else if (codec_.text) {
        out[key] = codec_.text(*e);
      }
    }
  }

  void Describe(const T& defaults, const std::string& prefix,
                std::vector<FieldDoc>& out) const override {
    FieldDoc d;
    d.key = prefix + this->name() + (S::kList && codec_.object ? "[]" : "");
    d.type = S::kList ? "list of " + codec_.type : codec_.type;
    d.doc = this->doc();
    if constexpr (S::kOptional) {
      d.requirement = "optional";
    } else if (this->optional()) {
      d.requirement = "optional";
      std::string def = DefaultText(access_.get_const(defaults));
      if (!def.empty()) d.requirement = "default " + def;
    } else {
      d.requirement = "required";
    }
    std::vector<std::string> c = codec_.constraints;
    for (const Bounds& b : bounds_) c.push_back(b.message);
    for (const auto& check : checks_) c.push_back(check.second);
    if (!one_of_.empty()) c.push_back(one_of_message_);
    if (!non_empty_.empty()) c.push_back(non_empty_);
    for (const std::string& s : c) d.constraints += (d.constraints.empty() ? "" : "; ") + s;
    out.push_back(std::move(d));
    if (codec_.describe) {
      E sample{};
      if constexpr (!S::kList && !S::kOptional) sample = access_.get_const(defaults);
      codec_.describe(sample, out.back().key + ".", out);
    }
  }

  bool plain() const override { return !codec_.object; }

  // Configuration, through FieldRef.
  void AddBounds(Bounds b) { bounds_.push_back(std::move(b)); }
  void AddCheck(std::function<bool(const E&)> pred, std::string message) {
    checks_.emplace_back(std::move(pred), std::move(message));
  }
  void SetNonEmpty(std::string message) { non_empty_ = std::move(message); }
  void SetAllowEmpty() { allow_empty_ = true; }
  void SetOneOf(std::vector<std::string> values) {
    one_of_ = std::move(values);
    one_of_message_ = "must be " + JoinWords(one_of_);
  }

 private:
  StatusOr<E> ReadElement(const Node& n, const BindContext& ctx) const {
    if constexpr (Number<E>) {
      return ReadNumber(n);
    } else {
      if constexpr (std::is_same_v<E, std::string>) {
        if (!n.value().IsString()) {
          return n.Error(S::kList ? "must be a non-empty string" : "must be a string");
        }
        if (!allow_empty_ && n.value().GetStringLength() == 0) {
          return n.Error(S::kList ? "must be a non-empty string" : "must not be empty");
        }
      }
      auto v = codec_.read(n, ctx);
      if (!v.ok()) return v.status();
      for (const auto& [pred, message] : checks_) {
        if (!pred(*v)) return n.Error(message);
      }
      if constexpr (std::is_same_v<E, std::string>) {
        if (!one_of_.empty() && !IsOneOf(*v)) return n.Error(one_of_message_);
      }
      return v;
    }
  }

  StatusOr<E> ReadNumber(const Node& n) const {
    const json::Value& j = n.value();
    double as_double = 0;
    E value{};
    if constexpr (std::is_integral_v<E>) {
      if (!j.IsInt64()) return n.Error("must be an integer");
      int64_t i = j.GetInt64();
      if constexpr (std::is_signed_v<E>) {
        if (i < static_cast<int64_t>(std::numeric_limits<E>::min()) ||
            i > static_cast<int64_t>(std::numeric_limits<E>::max())) {
          return n.Error("is out of range");
        }
      }
      as_double = static_cast<double>(i);
      for (const Bounds& b : bounds_) {
        if (!b.Holds(as_double)) return n.Error(b.message);
      }
      if constexpr (std::is_unsigned_v<E>) {
        if (i < 0) return n.Error("must be >= 0");
        if (static_cast<uint64_t>(i) > std::numeric_limits<E>::max()) {
          return n.Error("is out of range");
        }
      }
      value = static_cast<E>(i);
    } else {
      if (!j.IsNumber()) return n.Error("must be a number");
      as_double = j.GetDouble();
      for (const Bounds& b : bounds_) {
        if (!b.Holds(as_double)) return n.Error(b.message);
      }
      value = static_cast<E>(as_double);
    }
    for (const auto& [pred, message] : checks_) {
      if (!pred(value)) return n.Error(message);
    }
    return value;
  }

  Status ValidateElement(const E& e, const std::string& where) const {
    if constexpr (Number<E>) {
      for (const Bounds& b : bounds_) {
        if (!b.Holds(static_cast<double>(e))) return InvalidArgumentError(where + " " + b.message);
      }
    }
    if constexpr (std::is_same_v<E, std::string>) {
      if (!one_of_.empty() && !IsOneOf(e))
        return InvalidArgumentError(where + " " + one_of_message_);
    }
    for (const auto& [pred, message] : checks_) {
      if (!pred(e)) return InvalidArgumentError(where + " " + message);
    }
    if (codec_.validate) return codec_.validate(e, where + ".");
    return OkStatus();
  }

  bool IsOneOf(const std::string& v) const {
    for (const std::string& o : one_of_) {
      if (o == v) return true;
    }
    return false;
  }

  std::string DefaultText(const M& m) const {
    if constexpr (S::kList) {
      if (!codec_.text) return "";
      std::string s = "[";
      for (size_t i = 0; i < m.size(); ++i) s += (i ? ", " : "") + codec_.text(m[i]);
      return s + "]";
    } else if constexpr (S::kOptional) {
      return "";
    } else {
      return codec_.text ? codec_.text(m) : "";
    }
  }

  Access<T, M> access_;
  ElementCodec<E> codec_;
  std::vector<Bounds> bounds_;
  std::vector<std::pair<std::function<bool(const E&)>, std::string>> checks_;
  std::string non_empty_;
  bool allow_empty_ = false;
  std::vector<std::string> one_of_;
  std::string one_of_message_;
};

template <typename T>
class CustomField final : public FieldBase<T> {
 public:
  CustomField(std::string name, std::function<Status(const Node&, const BindContext&, T&)> read,
              std::string type, std::string doc, std::string default_text)
      : FieldBase<T>(std::move(name), std::move(doc)),
        read_(std::move(read)),
        type_(std::move(type)),
        default_text_(std::move(default_text)) {}

  Status Read(const Node& parent, const BindContext& ctx, T& out) const override {
    std::optional<Node> n = parent.OptionalChild(this->name());
    if (!n) return this->optional() ? OkStatus() : parent.ErrorAt(this->name(), "is required");
    return read_(*n, ctx, out);
  }
  Status Validate(const T&, const std::string&) const override { return OkStatus(); }
  void Keys(const std::string& prefix, bool, std::vector<std::string>& out) const override {
    out.push_back(prefix + this->name());
  }
  void Texts(const T&, const std::string&, TextTemplate::Values&) const override {}
  void Describe(const T&, const std::string& prefix, std::vector<FieldDoc>& out) const override {
    out.push_back({prefix + this->name(), type_,
                   this->optional() ? "default " + default_text_ : "required", "", this->doc()});
  }
  bool plain() const override { return true; }

 private:
  std::function<Status(const Node&, const BindContext&, T&)> read_;
  std::string type_;
  std::string default_text_;
};

template <typename E>
ElementCodec<E> PlainCodec() {
  ElementCodec<E> c;
  if constexpr (!Number<E>) {
    if constexpr (std::is_same_v<E, std::string>) {
      c.read = [](const Node& n, const BindContext&) -> StatusOr<std::string> {
        return std::string(json::AsStringView(n.value()));
      };
    } else {
      c.read = [](const Node& n, const BindContext& ctx) { return FieldType<E>::Read(n, ctx); };
    }
  }
  if constexpr (std::is_same_v<E, std::string>) {
    c.text = [](const std::string& v) { return v; };
  } else if constexpr (Number<E>) {
    c.text = [](const E& v) {
      if constexpr (std::is_integral_v<E>) {
        return std::to_string(v);
      } else {
        return FormatNumber(static_cast<double>(v));
      }
    };
  } else if constexpr (HasText<E>) {
    c.text = [](const E& v) { return std::string(FieldType<E>::Text(v)); };
  }
  c.object = IsObjectType<E>();
  c.type = TypeName<E>();
  return c;
}

}  // namespace binder_internal

template <typename T, typename M>
class FieldRef {
 public:
  using E = typename binder_internal::Shape<M>::Element;

  explicit FieldRef(binder_internal::ValueField<T, M>* field) : field_(field) {}

  // Absent: the member keeps the value its struct gives it.
  FieldRef& Optional() {
    field_->set_optional();
    return *this;
  }
  // Strings: "" is a value ("not set") rather than an error.
  FieldRef& AllowEmpty() {
    field_->SetAllowEmpty();
    return *this;
  }
  // Numbers: > 0.
  FieldRef& Positive() { return Bounded(0, true, std::nullopt, false, "must be > 0"); }
  // Numbers: >= `min`.
  FieldRef& AtLeast(double min) {
    return Bounded(min, false, std::nullopt, false, "must be >= " + FormatNumber(min));
  }
  // Numbers: within [min, max]; `message` defaults to "must be <min>-<max>".
  FieldRef& Range(double min, double max, std::string message = "") {
    if (message.empty()) message = "must be " + FormatNumber(min) + "-" + FormatNumber(max);
    return Bounded(min, false, max, false, std::move(message));
  }
  // Numbers: within [min, max) -- "must be 0 to < 50".
  FieldRef& RangeBelow(double min, double max_exclusive, std::string message = "") {
    if (message.empty()) {
      message = "must be " + FormatNumber(min) + " to < " + FormatNumber(max_exclusive);
    }
    return Bounded(min, false, max_exclusive, true, std::move(message));
  }
  // Strings: one of `values`.
  FieldRef& OneOf(std::vector<std::string> values) {
    field_->SetOneOf(std::move(values));
    return *this;
  }
  // Lists: at least one element ("must list at least one test").
  FieldRef& NonEmpty(std::string message = "must list at least one entry") {
    field_->SetNonEmpty(std::move(message));
    return *this;
  }
  // Any element: `pred` must hold, else `message` at the value's path.
  FieldRef& Check(std::function<bool(const E&)> pred, std::string message) {
    field_->AddCheck(std::move(pred), std::move(message));
    return *this;
  }

 private:
  FieldRef& Bounded(std::optional<double> min, bool min_exclusive, std::optional<double> max,
                    bool max_exclusive, std::string message) {
    static_assert(binder_internal::Number<E>, "bounds apply to numbers");
    binder_internal::Bounds b;
    b.min = min;
    b.min_exclusive = min_exclusive;
    b.max = max;
    b.max_exclusive = max_exclusive;
    b.message = std::move(message);
    field_->AddBounds(std::move(b));
    return *this;
  }

  binder_internal::ValueField<T, M>* field_;
};

// ---- Schema<T> -------------------------------------------------------------------------

template <typename T>
template <typename M>
FieldRef<T, M> Schema<T>::Field(std::string name, M T::*member, std::string doc) {
  using E = typename binder_internal::Shape<M>::Element;
  auto f = std::make_shared<binder_internal::ValueField<T, M>>(
      std::move(name), binder_internal::MemberAccess(member), std::move(doc),
      binder_internal::PlainCodec<E>());
  fields_.push_back(f);
  return FieldRef<T, M>(f.get());
}

template <typename T>
template <typename O, typename M>
FieldRef<T, M> Schema<T>::Field(std::string name, O T::*outer, M O::*inner, std::string doc) {
  using E = typename binder_internal::Shape<M>::Element;
  auto f = std::make_shared<binder_internal::ValueField<T, M>>(
      std::move(name), binder_internal::NestedAccess(outer, inner), std::move(doc),
      binder_internal::PlainCodec<E>());
  fields_.push_back(f);
  return FieldRef<T, M>(f.get());
}

template <typename T>
template <typename M, typename S>
FieldRef<T, M> Schema<T>::Object(std::string name, M T::*member, Schema<S> schema,
                                 std::string doc) {
  using E = typename binder_internal::Shape<M>::Element;
  static_assert(std::is_same_v<E, S>, "the schema must read the member's type");
  auto s = std::make_shared<const Schema<S>>(std::move(schema));
  binder_internal::ElementCodec<S> c;
  c.read = [s](const Node& n, const BindContext& ctx) { return s->Read(n, ctx); };
  c.object = true;
  c.plain_object = s->AllPlain();
  c.keys = [s](const std::string& prefix, std::vector<std::string>& out) {
    s->KeysUnder(prefix, out);
  };
  c.texts = [s](const S& v, const std::string& prefix, TextTemplate::Values& out) {
    s->TextsUnder(v, prefix, out);
  };
  c.validate = [s](const S& v, const std::string& prefix) { return s->Validate(v, prefix); };
  c.describe = [s](const S& v, const std::string& prefix, std::vector<FieldDoc>& out) {
    size_t first = out.size();
    s->DescribeUnder(v, prefix, out);
    if (!s->shared()) return;
    for (size_t i = first; i < out.size(); ++i) {
      if (out[i].shared_root.empty()) out[i].shared_root = prefix.substr(0, prefix.size() - 1);
    }
  };
  c.type = "object";
  c.constraints = s->check_descriptions();
  auto f = std::make_shared<binder_internal::ValueField<T, M>>(
      std::move(name), binder_internal::MemberAccess(member), std::move(doc), std::move(c));
  fields_.push_back(f);
  return FieldRef<T, M>(f.get());
}

template <typename T>
template <typename M>
FieldRef<T, M> Schema<T>::Template(std::string name, M T::*member,
                                   std::vector<std::string> placeholders, std::string doc) {
  using E = typename binder_internal::Shape<M>::Element;
  static_assert(std::is_same_v<E, TextTemplate>, "Template() reads a TextTemplate member");
  binder_internal::ElementCodec<TextTemplate> c;
  c.read = [placeholders](const Node& n, const BindContext&) -> StatusOr<TextTemplate> {
    if (!n.value().IsString()) return n.Error("must be a string");
    if (n.value().GetStringLength() == 0) return n.Error("must not be empty");
    auto t = TextTemplate::Parse(json::AsStringView(n.value()), placeholders);
    if (!t.ok()) return n.Error(t.status().message());
    return t;
  };
  c.type = "text";
  if (!placeholders.empty()) {
    c.type += " with";
    for (const std::string& p : placeholders) c.type += " {" + p + "}";
  }
  auto f = std::make_shared<binder_internal::ValueField<T, M>>(
      std::move(name), binder_internal::MemberAccess(member), std::move(doc), std::move(c));
  fields_.push_back(f);
  return FieldRef<T, M>(f.get());
}

template <typename T>
template <typename M>
FieldRef<T, M> Schema<T>::Enum(
    std::string name, M T::*member,
    std::vector<std::pair<std::string, typename binder_internal::Shape<M>::Element>> names,
    std::string doc, std::string message) {
  using E = typename binder_internal::Shape<M>::Element;
  std::vector<std::string> words;
  for (const auto& n : names) words.push_back(n.first);
  if (message.empty()) message = "must be " + binder_internal::JoinWords(words);
  binder_internal::ElementCodec<E> c;
  c.read = [names, message](const Node& n, const BindContext&) -> StatusOr<E> {
    if (!n.value().IsString()) return n.Error("must be a string");
    std::string_view text = json::AsStringView(n.value());
    for (const auto& [word, value] : names) {
      if (word == text) return value;
    }
    return n.Error(message);
  };
  c.text = [names](const E& v) {
    for (const auto& [word, value] : names) {
      if (value == v) return word;
    }
    return std::string();
  };
  c.type = "one of " + binder_internal::JoinWords(words);
  auto f = std::make_shared<binder_internal::ValueField<T, M>>(
      std::move(name), binder_internal::MemberAccess(member), std::move(doc), std::move(c));
  fields_.push_back(f);
  return FieldRef<T, M>(f.get());
}

template <typename T>
Schema<T>& Schema<T>::Custom(std::string name,
                             std::function<Status(const Node&, const BindContext&, T&)> read,
                             std::string type, std::string doc, std::string default_text) {
  bool optional = !default_text.empty();
  auto f = std::make_shared<binder_internal::CustomField<T>>(
      std::move(name), std::move(read), std::move(type), std::move(doc), std::move(default_text));
  if (optional) f->set_optional();
  fields_.push_back(f);
  return *this;
}

template <typename T>
Schema<T>& Schema<T>::Allow(std::vector<std::string> keys) {
  allowed_.insert(allowed_.end(), keys.begin(), keys.end());
  return *this;
}

template <typename T>
Schema<T>& Schema<T>::UnknownKeyMessage(std::string message) {
  unknown_message_ = std::move(message);
  return *this;
}

template <typename T>
Schema<T>& Schema<T>::Check(std::function<Status(const Node&, T&)> check, std::string description) {
  checks_.push_back(std::move(check));
  if (!description.empty()) check_descriptions_.push_back(std::move(description));
  return *this;
}

template <typename T>
StatusOr<T> Schema<T>::Read(const Node& n, const BindContext& ctx) const {
  T out{};
  Status s = ReadInto(n, ctx, out);
  if (!s.ok()) return s;
  return out;
}

template <typename T>
Status Schema<T>::ReadInto(const Node& n, const BindContext& ctx, T& out) const {
  std::vector<std::string> known = allowed_;
  for (const auto& f : fields_) known.push_back(f->name());
  Status s = binder_internal::CheckNoUnknownKeys(n, known, unknown_message_);
  if (!s.ok()) return s;
  for (const auto& f : fields_) {
    s = f->Read(n, ctx, out);
    if (!s.ok()) return s;
  }
  for (const auto& check : checks_) {
    s = check(n, out);
    if (!s.ok()) return s;
  }
  return OkStatus();
}

template <typename T>
Status Schema<T>::Validate(const T& value, const std::string& path) const {
  for (const auto& f : fields_) {
    Status s = f->Validate(value, path);
    if (!s.ok()) return s;
  }
  return OkStatus();
}

template <typename T>
bool Schema<T>::AllPlain() const {
  for (const auto& f : fields_) {
    if (!f->plain()) return false;
  }
  return true;
}

template <typename T>
std::vector<std::string> Schema<T>::Keys() const {
  std::vector<std::string> out;
  for (const auto& f : fields_) f->Keys("", /*expand=*/true, out);
  return out;
}

template <typename T>
void Schema<T>::KeysUnder(const std::string& prefix, std::vector<std::string>& out) const {
  for (const auto& f : fields_) f->Keys(prefix, /*expand=*/false, out);
}

template <typename T>
TextTemplate::Values Schema<T>::Texts(const T& value) const {
  TextTemplate::Values out;
  TextsUnder(value, "", out);
  return out;
}

template <typename T>
void Schema<T>::TextsUnder(const T& value, const std::string& prefix,
                           TextTemplate::Values& out) const {
  for (const auto& f : fields_) f->Texts(value, prefix, out);
}

template <typename T>
std::vector<FieldDoc> Schema<T>::Describe(const T& defaults) const {
  std::vector<FieldDoc> out;
  DescribeUnder(defaults, "", out);
  return out;
}

template <typename T>
void Schema<T>::DescribeUnder(const T& defaults, const std::string& prefix,
                              std::vector<FieldDoc>& out) const {
  for (const auto& f : fields_) f->Describe(defaults, prefix, out);
}

}  // namespace cds::config
