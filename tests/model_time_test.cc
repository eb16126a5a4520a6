#include <gtest/gtest.h>

#include "model/category.h"
#include "model/time.h"

namespace evenhand {
namespace {

TEST(Time, ParsesRfc3339) {
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseTimestamp("2026-11-01T10:00:00Z"), 1793527200);
  EXPECT_EQ(ParseTimestamp("2026-11-01T15:00:00+05:00"), 1793527200);
  EXPECT_EQ(ParseTimestamp("2026-11-01T10:00:00.250Z"), 1793527200);
  EXPECT_EQ(ParseTimestamp("2024-02-29T00:00:00Z"), 1709164800);
}

TEST(Time, RejectsMalformed) {
  EXPECT_FALSE(ParseTimestamp("2026-11-01"));
  EXPECT_FALSE(ParseTimestamp("2026-11-01T10:00:00"));
  EXPECT_FALSE(ParseTimestamp("2025-02-29T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2026-11-01T24:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2026-11-01T10:00:00Zjunk"));
}

TEST(Time, FormatsRoundTrip) {
  EXPECT_EQ(FormatTimestamp(1793527200), "2026-11-01T10:00:00Z");
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(ParseTimestamp(FormatTimestamp(951782400)), 951782400);  // 2000-02-29
}

TEST(Duration, UnitsAndRejections) {
  EXPECT_EQ(ParseDuration("6h"), 6 * 3600);
  EXPECT_EQ(ParseDuration("90m"), 90 * 60);
  EXPECT_EQ(ParseDuration("2d"), 2 * 86400);
  EXPECT_EQ(ParseDuration("30s"), 30);
  EXPECT_EQ(ParseDuration("45"), 45);
  EXPECT_FALSE(ParseDuration(""));
  EXPECT_FALSE(ParseDuration("h"));
  EXPECT_FALSE(ParseDuration("-1h"));
  EXPECT_FALSE(ParseDuration("6hours"));
  EXPECT_FALSE(ParseDuration("1234567890123s"));  // more than 12 digits
}

TEST(Category, AcceptsShortAndDsaForms) {
  EXPECT_EQ(CanonicalCategory("scams_and_fraud"), "scams_and_fraud");
  EXPECT_EQ(CanonicalCategory("STATEMENT_CATEGORY_SCAMS_AND_FRAUD"), "scams_and_fraud");
  EXPECT_FALSE(CanonicalCategory("scams"));
  EXPECT_EQ(DsaCategoryKey("violence"), "STATEMENT_CATEGORY_VIOLENCE");
  EXPECT_EQ(AllCategories().size(), 16u);
}

}  // namespace
}  // namespace evenhand
