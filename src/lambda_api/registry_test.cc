#include "lambda_api/registry.h"

#include <gtest/gtest.h>

#include <memory>

namespace sweetspot::lambda_api {
namespace {

std::unique_ptr<FunctionRegistry> registry_with(const std::string& name) {
  auto registry = std::make_unique<FunctionRegistry>("eu-west-1");
  engine_api::FunctionConfig config;
  config.name = name;
  config.memory_mb = 256;
  EXPECT_TRUE(registry->add(config).has_value());
  return registry;
}

TEST(Registry, RefusesTwoFunctionsOfOneName) {
  auto owned = registry_with("fn");
  FunctionRegistry& registry = *owned;
  engine_api::FunctionConfig again;
  again.name = "fn";
  auto added = registry.add(again);
  ASSERT_FALSE(added.has_value());
  EXPECT_NE(added.error().message.find("'fn'"), std::string::npos);
}

TEST(Registry, UnknownFunctionOrQualifierIsNotFoundWithTheArn) {
  auto owned = registry_with("fn");
  FunctionRegistry& registry = *owned;
  auto missing = registry.resolve("other", std::nullopt);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kResourceNotFound);
  EXPECT_EQ(missing.error().message, "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:other");
  EXPECT_EQ(registry.resolve("fn", "4").error().code, ErrorCode::kResourceNotFound);
  EXPECT_EQ(registry.resolve("fn", "live").error().code, ErrorCode::kResourceNotFound);
}

TEST(Registry, UpdateChangesLatestAndItsRevision) {
  auto owned = registry_with("fn");
  FunctionRegistry& registry = *owned;
  const auto before = *registry.resolve("fn", std::nullopt);
  ConfigurationUpdate update;
  update.memory_mb = 1024;
  update.environment = std::map<std::string, std::string>{{"MODE", "fast"}};
  update.description = "tuned";
  auto after = registry.update_configuration("fn", update);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->state.config.memory_mb, 1024);
  EXPECT_EQ(after->state.config.environment.at("MODE"), "fast");
  EXPECT_EQ(after->state.description, "tuned");
  EXPECT_NE(after->state.revision_id, before.state.revision_id);
  EXPECT_EQ(registry.resolve("fn", "$LATEST")->state.config.memory_mb, 1024);
}

TEST(Registry, StaleRevisionIdIsAFailedPrecondition) {
  auto owned = registry_with("fn");
  FunctionRegistry& registry = *owned;
  ConfigurationUpdate update;
  update.memory_mb = 512;
  update.revision_id = "not-the-current-one";
  EXPECT_EQ(registry.update_configuration("fn", update).error().code, ErrorCode::kPreconditionFailed);
  update.revision_id = registry.resolve("fn", std::nullopt)->state.revision_id;
  EXPECT_TRUE(registry.update_configuration("fn", update).has_value());
}

TEST(Registry, AVersionKeepsTheConfigurationItWasPublishedWith) {
  auto owned = registry_with("fn");
  FunctionRegistry& registry = *owned;
  ConfigurationUpdate to512;
  to512.memory_mb = 512;
  ASSERT_TRUE(registry.update_configuration("fn", to512));
  auto v1 = registry.publish_version("fn", "first", std::nullopt);
  ASSERT_TRUE(v1.has_value());
  EXPECT_EQ(v1->version, "1");
  ConfigurationUpdate to2048;
  to2048.memory_mb = 2048;
  ASSERT_TRUE(registry.update_configuration("fn", to2048));
  EXPECT_EQ(registry.resolve("fn", "1")->state.config.memory_mb, 512);
  EXPECT_EQ(registry.resolve("fn", "1")->state.description, "first");
  EXPECT_EQ(registry.resolve("fn", std::nullopt)->state.config.memory_mb, 2048);
  auto v2 = registry.publish_version("fn", std::nullopt, std::nullopt);
  EXPECT_EQ(v2->version, "2");
  EXPECT_EQ(v2->state.config.memory_mb, 2048);
}

TEST(Registry, PublishingAnUnchangedLatestReturnsTheLastVersion) {
  auto owned = registry_with("fn");
  FunctionRegistry& registry = *owned;
  EXPECT_EQ(registry.publish_version("fn", std::nullopt, std::nullopt)->version, "1");
  EXPECT_EQ(registry.publish_version("fn", std::nullopt, std::nullopt)->version, "1");
  EXPECT_EQ(registry.versions("fn")->size(), 2u);  // $LATEST and 1
}

TEST(Registry, AliasesPointAtVersionsAndResolveToThem) {
  auto owned = registry_with("fn");
  FunctionRegistry& registry = *owned;
  ConfigurationUpdate to512;
  to512.memory_mb = 512;
  ASSERT_TRUE(registry.update_configuration("fn", to512));
  ASSERT_TRUE(registry.publish_version("fn", std::nullopt, std::nullopt));
  EXPECT_EQ(registry.create_alias("fn", "live", "9", "").error().code, ErrorCode::kResourceNotFound);
  auto alias = registry.create_alias("fn", "live", "1", "production");
  ASSERT_TRUE(alias.has_value());
  EXPECT_EQ(registry.create_alias("fn", "live", "1", "").error().code, ErrorCode::kResourceConflict);
  auto resolved = registry.resolve("fn", "live");
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(resolved->version, "1");
  EXPECT_EQ(resolved->state.config.memory_mb, 512);

  AliasUpdate to_latest;
  to_latest.function_version = "$LATEST";
  to_latest.revision_id = "stale";
  EXPECT_EQ(registry.update_alias("fn", "live", to_latest).error().code, ErrorCode::kPreconditionFailed);
  to_latest.revision_id = alias->revision_id;
  EXPECT_EQ(registry.update_alias("fn", "live", to_latest)->function_version, "$LATEST");
  EXPECT_EQ(registry.resolve("fn", "live")->version, "$LATEST");
  EXPECT_EQ(registry.list_aliases("fn", std::nullopt)->size(), 1u);
  EXPECT_EQ(registry.list_aliases("fn", std::string("1"))->size(), 0u);
  EXPECT_TRUE(registry.delete_alias("fn", "live").has_value());
  EXPECT_EQ(registry.delete_alias("fn", "live").error().code, ErrorCode::kResourceNotFound);
  EXPECT_EQ(registry.resolve("fn", "live").error().code, ErrorCode::kResourceNotFound);
}

TEST(Registry, DeletingVersionsAndFunctions) {
  auto owned = registry_with("fn");
  FunctionRegistry& registry = *owned;
  ASSERT_TRUE(registry.publish_version("fn", std::nullopt, std::nullopt));
  ASSERT_TRUE(registry.create_alias("fn", "live", "1", ""));
  EXPECT_EQ(registry.delete_function("fn", std::string("$LATEST")).error().code, ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry.delete_function("fn", std::string("1")).error().code, ErrorCode::kResourceConflict);
  EXPECT_EQ(registry.delete_function("fn", std::string("2")).error().code, ErrorCode::kResourceNotFound);
  ASSERT_TRUE(registry.delete_alias("fn", "live"));
  auto gone = registry.delete_function("fn", std::string("1"));
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(*gone, std::vector<std::string>{"1"});
  EXPECT_EQ(registry.resolve("fn", "1").error().code, ErrorCode::kResourceNotFound);
  auto all = registry.delete_function("fn", std::nullopt);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(registry.resolve("fn", std::nullopt).error().code, ErrorCode::kResourceNotFound);
  EXPECT_TRUE(registry.list(true).empty());
}

}  // namespace
}  // namespace sweetspot::lambda_api
