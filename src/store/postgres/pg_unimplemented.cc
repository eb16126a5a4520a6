// PostgresStore: the Store methods this backend does not offer yet (issue
// 18, docs/ARCHITECTURE.md "Store backends"). Each fails with
// Status::Unimplemented naming the method; none writes or reads anything.
// As a concern is implemented it moves to a file of its own (pg_cases.cc,
// pg_people.cc, pg_keys.cc, pg_facts.cc), as in store/sqlite/.
#include "store/postgres/pg_store_impl.h"

namespace evenhand::pg_store {

namespace {

Status Missing(const char* method) {
  return Status::Unimplemented(std::string("the PostgreSQL store does not implement Store::") + method +
                               " yet (issue 18); use an SQLite store for this command");
}

}  // namespace

// Retention (cases/retention.h)
Result<std::vector<PostVersion>> PostgresStore::ContentOlderThan(int64_t, int64_t) {
  return Missing("ContentOlderThan");
}
Status PostgresStore::DeleteContent(const std::string&, int64_t, int64_t, const std::string&, const std::string&) {
  return Missing("DeleteContent");
}

// Login retention
Result<std::vector<LoginAge>> PostgresStore::LoginsOlderThan(int64_t) { return Missing("LoginsOlderThan"); }
Status PostgresStore::DeleteLoginsOlderThan(const std::string&, int64_t, const std::string&, const std::string&,
                                            int64_t*) {
  return Missing("DeleteLoginsOlderThan");
}

// Analytics (report)
Status PostgresStore::ScanDecisionFacts(const ScanSlice&, const std::function<bool(const DecisionFacts&)>&) {
  return Missing("ScanDecisionFacts");
}
Result<int64_t> PostgresStore::CountDecisionFacts() { return Missing("CountDecisionFacts"); }

// Authorities and cases
Status PostgresStore::PutAuthority(const AuthorityRecord&, const std::string&) { return Missing("PutAuthority"); }
Status PostgresStore::ReplaceAuthority(const AuthorityRecord&, const std::string&, const std::string&) {
  return Missing("ReplaceAuthority");
}
Result<std::vector<AuthorityRecord>> PostgresStore::ListAuthorities() { return Missing("ListAuthorities"); }
Status PostgresStore::InsertCase(const CaseRecord&, const std::string&, const std::string&, const std::string&, bool*,
                                 CaseRecord*) {
  return Missing("InsertCase");
}
Status PostgresStore::UpdateCase(const CaseRecord&, const std::string&, const std::string&, const std::string&,
                                 const std::string&) {
  return Missing("UpdateCase");
}
Result<CaseRecord> PostgresStore::GetCase(const std::string&) { return Missing("GetCase"); }
Result<std::vector<CaseRecord>> PostgresStore::ListCases(const CaseFilter&) { return Missing("ListCases"); }

// People, API keys, decision reviews
Status PostgresStore::PutPerson(const PersonRecord&, const std::string&) { return Missing("PutPerson"); }
Result<PersonRecord> PostgresStore::GetPerson(const std::string&) { return Missing("GetPerson"); }
Result<std::vector<PersonRecord>> PostgresStore::ListPeople() { return Missing("ListPeople"); }
Status PostgresStore::PutApiKey(const ApiKeyRecord&, const std::string&) { return Missing("PutApiKey"); }
Result<ApiKeyRecord> PostgresStore::GetApiKey(const std::string&) { return Missing("GetApiKey"); }
Result<std::vector<ApiKeyRecord>> PostgresStore::ListApiKeys() { return Missing("ListApiKeys"); }
Status PostgresStore::RevokeApiKey(const std::string&, int64_t, const std::string&) { return Missing("RevokeApiKey"); }
Status PostgresStore::PutDecisionReview(const DecisionReview&) { return Missing("PutDecisionReview"); }
Result<std::vector<DecisionReview>> PostgresStore::ListDecisionReviews() { return Missing("ListDecisionReviews"); }
Result<std::vector<ReviewedDecision>> PostgresStore::ListReviewedDecisions() {
  return Missing("ListReviewedDecisions");
}

}  // namespace evenhand::pg_store
