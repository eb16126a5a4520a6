// Writers (and a reader, for checks and tests) of statements of reasons in
// the DSA Transparency Database's shapes:
//
//   dsa-json  one JSON object per line, the body the database's submission
//             API takes for one statement: field names as in the schema,
//             list fields as arrays, required fields always present, optional
//             ones only when set. (The batch endpoint takes up to 100 of them
//             as {"statements": [...]}.)
//   dsa-csv   a header row of schema field names, then one row per statement,
//             in the column order of the database's own CSV export (plus puid
//             and platform_name). List fields are written as the database's
//             CSV export writes them: the JSON array text, e.g. ["DE","FR"].
//             RFC 4180: CRLF line ends; a field holding a comma, quote, CR or
//             LF is quoted, with quotes doubled. Line breaks inside free text
//             are kept (the database's export flattens them to spaces).
//
// Writers append to a caller-owned string and never fail. In dsa-json,
// invalid UTF-8 in free text is replaced by U+FFFD; dsa-csv writes the bytes
// as given. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/statement.h"
#include "model/status.h"

namespace evenhand {

enum class StatementFormat { kDsaJson, kDsaCsv };

// "dsa-json" / "dsa-csv".
std::optional<StatementFormat> ParseStatementFormat(std::string_view name);

void AppendDsaJson(std::string* out, const Statement& statement);
// Reads one dsa-json object back. Invalid on malformed JSON, an unknown field
// or a value of the wrong JSON type (string vs array of strings).
Result<Statement> ParseDsaJson(std::string_view line);

void AppendDsaCsvHeader(std::string* out);
void AppendDsaCsvRow(std::string* out, const Statement& statement);
// One CSV field, quoted when RFC 4180 needs it.
void AppendCsvField(std::string* out, std::string_view value);

}  // namespace evenhand
