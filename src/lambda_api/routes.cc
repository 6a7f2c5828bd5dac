#include "lambda_api/routes.h"

#include <fmt/format.h>

#include <vector>

namespace sweetspot::lambda_api {
namespace {

ApiError invalid(std::string message) { return ApiError{ErrorCode::kInvalidParameterValue, std::move(message), {}}; }

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t pos = text.find(sep, start);
    parts.push_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 140) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

bool valid_qualifier(std::string_view q) {
  if (q.empty() || q.size() > 128) return false;
  if (q == "$LATEST") return true;
  for (char c : q) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

constexpr const char* kSupported =
    "Invoke, ListFunctions, GetFunction, DeleteFunction (a version, with Qualifier), GetFunctionConfiguration, "
    "UpdateFunctionConfiguration, PublishVersion, ListVersionsByFunction, CreateAlias, GetAlias, UpdateAlias, "
    "DeleteAlias, ListAliases";

ApiError unknown(std::string_view method, std::string_view path) {
  return ApiError{ErrorCode::kUnknownOperation,
                  fmt::format("sweetspot serve does not answer {} {}: it serves the functions given on its command "
                              "line and answers {}",
                              method, path, kSupported),
                  {}};
}

}  // namespace

const char* operation_name(Operation op) {
  switch (op) {
    case Operation::kInvoke: return "Invoke";
    case Operation::kInvokeAsync: return "InvokeAsync";
    case Operation::kListFunctions: return "ListFunctions";
    case Operation::kGetFunction: return "GetFunction";
    case Operation::kDeleteFunction: return "DeleteFunction";
    case Operation::kGetFunctionConfiguration: return "GetFunctionConfiguration";
    case Operation::kUpdateFunctionConfiguration: return "UpdateFunctionConfiguration";
    case Operation::kPublishVersion: return "PublishVersion";
    case Operation::kListVersionsByFunction: return "ListVersionsByFunction";
    case Operation::kCreateAlias: return "CreateAlias";
    case Operation::kListAliases: return "ListAliases";
    case Operation::kGetAlias: return "GetAlias";
    case Operation::kUpdateAlias: return "UpdateAlias";
    case Operation::kDeleteAlias: return "DeleteAlias";
  }
  return "?";
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

std::expected<FunctionRef, ApiError> parse_function_name(std::string_view text) {
  const auto parts = split(text, ':');
  FunctionRef ref;
  std::string_view name, qualifier;
  bool has_qualifier = false;
  if (parts.size() >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function" &&
      parts.size() <= 8) {
    name = parts[6];
    if (parts.size() == 8) qualifier = parts[7], has_qualifier = true;
  } else if (parts.size() >= 3 && parts.size() <= 4 && parts[1] == "function") {
    name = parts[2];
    if (parts.size() == 4) qualifier = parts[3], has_qualifier = true;
  } else if (parts.size() <= 2) {
    name = parts[0];
    if (parts.size() == 2) qualifier = parts[1], has_qualifier = true;
  } else {
    return std::unexpected(invalid(fmt::format(
        "'{}' is not a function name: give a name, NAME:QUALIFIER, or arn:aws:lambda:REGION:ACCOUNT:function:NAME",
        text)));
  }
  if (!valid_name(name)) {
    return std::unexpected(invalid(fmt::format(
        "'{}' is not a valid function name: use letters, digits, '-' and '_' (at most 140)", name)));
  }
  ref.name = std::string(name);
  if (has_qualifier) {
    if (!valid_qualifier(qualifier)) {
      return std::unexpected(invalid(fmt::format("'{}' is not a valid qualifier: use $LATEST, a version number or an alias name", qualifier)));
    }
    ref.qualifier = std::string(qualifier);
  }
  return ref;
}

std::expected<Route, ApiError> route_request(std::string_view method, std::string_view target) {
  const size_t q = target.find('?');
  const std::string_view raw_path = target.substr(0, q);
  const std::string_view raw_query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

  Route route;
  if (!raw_query.empty()) {
    for (std::string_view item : split(raw_query, '&')) {
      if (item.empty()) continue;
      const size_t eq = item.find('=');
      auto key = percent_decode(item.substr(0, eq));
      auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
      if (!key || !value) return std::unexpected(invalid("the query string has a malformed %-escape"));
      route.query[*key] = *value;
    }
  }

  // Segments are decoded one by one: an ARN's ':' arrives as %3A, and a '/'
  // encoded inside a segment must not split it.
  std::vector<std::string> segments;
  for (std::string_view raw : split(raw_path, '/')) {
    if (raw.empty()) continue;
    auto decoded = percent_decode(raw);
    if (!decoded) return std::unexpected(invalid("the path has a malformed %-escape"));
    segments.push_back(std::move(*decoded));
  }
  const size_t n = segments.size();
  if (n < 2 || segments[1] != "functions" || (segments[0] != "2015-03-31" && segments[0] != "2014-11-13")) {
    return std::unexpected(unknown(method, raw_path));
  }
  const bool old_api = segments[0] == "2014-11-13";
  if (old_api) {
    if (n == 4 && segments[3] == "invoke-async" && method == "POST") {
      route.op = Operation::kInvokeAsync;
    } else {
      return std::unexpected(unknown(method, raw_path));
    }
  } else if (n == 2) {
    if (method != "GET") return std::unexpected(unknown(method, raw_path));
    route.op = Operation::kListFunctions;
    return route;
  } else if (n == 3) {
    if (method == "GET") {
      route.op = Operation::kGetFunction;
    } else if (method == "DELETE") {
      route.op = Operation::kDeleteFunction;
    } else {
      return std::unexpected(unknown(method, raw_path));
    }
  } else if (n == 4) {
    const std::string& what = segments[3];
    if (what == "invocations" && method == "POST") {
      route.op = Operation::kInvoke;
    } else if (what == "configuration" && method == "GET") {
      route.op = Operation::kGetFunctionConfiguration;
    } else if (what == "configuration" && method == "PUT") {
      route.op = Operation::kUpdateFunctionConfiguration;
    } else if (what == "versions" && method == "POST") {
      route.op = Operation::kPublishVersion;
    } else if (what == "versions" && method == "GET") {
      route.op = Operation::kListVersionsByFunction;
    } else if (what == "aliases" && method == "POST") {
      route.op = Operation::kCreateAlias;
    } else if (what == "aliases" && method == "GET") {
      route.op = Operation::kListAliases;
    } else {
      return std::unexpected(unknown(method, raw_path));
    }
  } else if (n == 5 && segments[3] == "aliases") {
    if (method == "GET") {
      route.op = Operation::kGetAlias;
    } else if (method == "PUT") {
      route.op = Operation::kUpdateAlias;
    } else if (method == "DELETE") {
      route.op = Operation::kDeleteAlias;
    } else {
      return std::unexpected(unknown(method, raw_path));
    }
    route.alias_name = segments[4];
    if (!valid_qualifier(route.alias_name) || route.alias_name == "$LATEST") {
      return std::unexpected(invalid(fmt::format("'{}' is not a valid alias name", route.alias_name)));
    }
  } else {
    return std::unexpected(unknown(method, raw_path));
  }

  auto ref = parse_function_name(segments[2]);
  if (!ref) return std::unexpected(ref.error());
  route.function_name = ref->name;
  route.qualifier = ref->qualifier;
  if (auto it = route.query.find("Qualifier"); it != route.query.end()) {
    if (!valid_qualifier(it->second)) {
      return std::unexpected(invalid(fmt::format("Qualifier '{}' is not valid: use $LATEST, a version number or an alias name", it->second)));
    }
    if (route.qualifier && *route.qualifier != it->second) {
      return std::unexpected(invalid(fmt::format(
          "the qualifier in the function name ({}) does not match the Qualifier parameter ({})", *route.qualifier,
          it->second)));
    }
    route.qualifier = it->second;
  }
  return route;
}

}  // namespace sweetspot::lambda_api
