#include "app/http_status.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cds::app {
namespace {

std::string_view IssueCode(int http) {
  switch (http) {
    case 400:
      return "invalid";
    case 401:
      return "login";
    case 403:
      return "forbidden";
    case 404:
      return "not-found";
    case 405:
      return "not-supported";
    case 408:
      return "timeout";
    case 412:
      return "incomplete";
    case 413:
      return "too-long";
    case 414:
      return "too-long";
    case 415:
      return "not-supported";
    case 431:
      return "too-long";
    case 501:
      return "not-supported";
    case 503:
      return "transient";
    default:
      return "exception";
  }
}

}  // namespace

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kFailedPrecondition:
      return 412;
    case StatusCode::kResourceExhausted:
      return 413;
    case StatusCode::kUnsupportedMediaType:
      return 415;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

std::string OperationOutcomeJson(int http_status, std::string_view diagnostics) {
  if (http_status == 401) diagnostics = "";  // a failed credential check says nothing
  if (http_status >= 500 && http_status != 501 && http_status != 503) {
    diagnostics = "internal error; the event is logged";
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("resourceType");
  w.String("OperationOutcome");
  w.Key("issue");
  w.StartArray();
  w.StartObject();
  w.Key("severity");
  w.String("error");
  w.Key("code");
  std::string_view code = IssueCode(http_status);
  w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  if (!diagnostics.empty()) {
    w.Key("diagnostics");
    w.String(diagnostics.data(), static_cast<rapidjson::SizeType>(diagnostics.size()));
  }
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string OperationOutcomeFor(const Status& status) {
  return OperationOutcomeJson(HttpStatusFor(status), status.message());
}

}  // namespace cds::app
