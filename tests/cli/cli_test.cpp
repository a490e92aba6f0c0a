// The `fergana` command as a user meets it: exit codes, messages, help.
#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>

namespace fergana::testing {

namespace {
const std::string test_data = FERGANA_TEST_DATA;
}

TEST(Cli, VersionNamesFerganaAndTheLibraries) {
    const CliResult r = run_fergana("--version");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.rfind("fergana 0.", 0), 0U) << r.out;
    EXPECT_NE(r.out.find("commit "), std::string::npos);
    EXPECT_NE(r.out.find("\nGDAL 3."), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nGEOS 3."), std::string::npos);
    EXPECT_NE(r.out.find("\nPROJ 9."), std::string::npos);
}

TEST(Cli, NoArgumentsIsAUsageError) {
    const CliResult r = run_fergana("");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.out.find("Commands:"), std::string::npos);
}

TEST(Cli, MainHelpListsCommands) {
    const CliResult r = run_fergana("--help");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("  layers"), std::string::npos) << r.out;
}

TEST(Cli, EverySubcommandHelpExitsZero) {
    const CliResult main_help = run_fergana("--help");
    std::istringstream lines(main_help.out);
    std::string line;
    bool in_commands = false;
    int seen = 0;
    while (std::getline(lines, line)) {
        if (line == "Commands:") { in_commands = true; continue; }
        if (in_commands && line.empty()) break;
        if (!in_commands) continue;
        const std::string name = line.substr(2, line.find(' ', 2) - 2);
        const CliResult r = run_fergana(name + " --help");
        EXPECT_EQ(r.exit_code, 0) << name;
        EXPECT_NE(r.out.find("Usage: fergana " + name), std::string::npos) << name;
        EXPECT_NE(r.out.find("--quiet"), std::string::npos) << name;
        ++seen;
    }
    EXPECT_GE(seen, 1);
}

TEST(Cli, UnknownCommandIsAUsageError) {
    const CliResult r = run_fergana("frobnicate");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos) << r.err;
}

TEST(Cli, UnknownOptionExitsTwoNamingIt) {
    const CliResult r = run_fergana("layers --no-such-option");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown option '--no-such-option'"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST(Cli, MissingFileExitsOneNamingIt) {
    const CliResult r = run_fergana("layers --data /nonexistent/borders.gpkg");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("/nonexistent/borders.gpkg"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("no such file"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("hint:"), std::string::npos) << r.err;
}

TEST(Cli, DirectoryInsteadOfFileExitsOne) {
    const CliResult r = run_fergana("layers --data " + test_data);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
}

TEST(Cli, LayersDescribesAFixture) {
    const CliResult r = run_fergana("layers --data " + test_data + "/layers/three_points.geojson");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("(GeoJSON)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("three_points  Point            3  EPSG:4326  "
                         "70.516430,39.852000,70.625000,40.125000"),
              std::string::npos)
        << r.out;
}

TEST(Cli, LayersJsonHasTheSameFacts) {
    const CliResult r =
        run_fergana("layers --json --data " + test_data + "/layers/three_points.geojson");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"name\": \"three_points\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"feature_count\": 3"), std::string::npos);
    EXPECT_NE(r.out.find("\"crs\": \"EPSG:4326\""), std::string::npos);
    EXPECT_NE(r.out.find("70.51643"), std::string::npos);
}

}  // namespace fergana::testing
