// The HTML map in headless Chromium (Debian's `chromium`) with the network off: it loads,
// shows one marker per incident, renders in under 2 s, and a screenshot is kept as
// build/map_html.png. With CI=true a missing Chromium fails; elsewhere the tests skip.
#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>

namespace fergana::testing {

namespace {

namespace fs = std::filesystem;

std::string chromium() {
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
        if (std::system((std::string("command -v ") + name + " >/dev/null 2>&1").c_str()) == 0)
            return name;
    }
    return {};
}

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

// Headless, no sandbox (containers), and no way out: every host name fails to resolve and
// every request would go to a closed local port.
std::string browser_command(const std::string& browser, const fs::path& profile) {
    return browser +
           " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
           "--disable-background-networking"
           " --disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir=" +
           profile.string() +
           " --host-resolver-rules='MAP * ~NOTFOUND' --proxy-server='http://127.0.0.1:9' "
           "--proxy-bypass-list='<-loopback>'"
           " --virtual-time-budget=3000";
}

int attribute(const std::string& dom, const std::string& name) {
    std::smatch m;
    if (!std::regex_search(dom, m, std::regex(name + "=\"([0-9]+)\"")))
        return -1;
    return std::stoi(m[1]);
}

}  // namespace

TEST(MapBrowser, HtmlMapLoadsOfflineWithEveryIncidentMarker) {
    const std::string browser = chromium();
    if (browser.empty()) {
        if (in_ci())
            FAIL() << "chromium is missing (scripts/install-deps.sh installs it)";
        GTEST_SKIP() << "chromium is not installed";
    }
    const fs::path build = FERGANA_BUILD_DIR;
    const fs::path work =
        fs::temp_directory_path() / ("fergana-browser-" + std::to_string(::getpid()));
    fs::remove_all(work);
    fs::create_directories(work);
    const fs::path html = build / "map_html.html";
    const CliResult made = run_fergana("map -q --overwrite -o " + html.string());
    ASSERT_EQ(made.exit_code, 0) << made.err;

    // How many incidents the dataset has, as `fergana layers` reports it.
    const CliResult layers = run_fergana("layers --json");
    ASSERT_EQ(layers.exit_code, 0) << layers.err;
    int incidents = -1;
    const nlohmann::json listing = nlohmann::json::parse(layers.out);  // alive for the loop
    for (const auto& role : listing["roles"]) {
        if (role["role"] == "incidents")
            incidents = role["features"].get<int>();
    }
    ASSERT_GT(incidents, 0);

    // Loaded twice: the render time is the better of the two, so a busy machine (tests run
    // in parallel) does not make it fail.
    std::string dom;
    int render_ms = -1;
    for (int run = 0; run < 2; ++run) {
        const fs::path dom_file = work / ("dom" + std::to_string(run) + ".html");
        const std::string dump =
            browser_command(browser, work / ("profile-dom" + std::to_string(run))) +
            " --dump-dom 'file://" + html.string() + "' >" + dom_file.string() + " 2>" +
            (work / "dom.err").string();
        ASSERT_EQ(std::system(dump.c_str()), 0) << slurp(work / "dom.err");
        dom = slurp(dom_file);
        const int ms = attribute(dom, "data-render-ms");
        if (ms >= 0 && (render_ms < 0 || ms < render_ms))
            render_ms = ms;
    }
    ASSERT_NE(dom.find("id=\"fergana-status\""), std::string::npos) << dom.substr(0, 2000);
    EXPECT_EQ(attribute(dom, "data-markers"), incidents);
    std::size_t icons = 0;
    const std::string icon = "leaflet-marker-icon fergana-incident";
    for (std::size_t at = dom.find(icon); at != std::string::npos; at = dom.find(icon, at + 1)) {
        ++icons;
    }
    EXPECT_EQ(icons, static_cast<std::size_t>(incidents));  // one marker element each
    EXPECT_GE(render_ms, 0);
    EXPECT_LT(render_ms, 2000) << "the bundled data must render in under 2 s";
    EXPECT_GT(attribute(dom, "data-canvas-ink"), 50)
        << "the countries, borders and settlements are painted";
    EXPECT_NE(dom.find("leaflet-control-layers"), std::string::npos);  // the layer switcher
    EXPECT_NE(dom.find("leaflet-control-scale"), std::string::npos);   // the scale bar
    EXPECT_NE(dom.find("class=\"legend\""), std::string::npos);

    // The date filter, driven through the address, agrees with --from/--to in the engine.
    const fs::path year_html = work / "year.html";
    const CliResult year =
        run_fergana("map -q --from 2022-01-01 --to 2022-12-31 -o " + year_html.string());
    ASSERT_EQ(year.exit_code, 0) << year.err;
    auto markers = [&](const fs::path& page, const std::string& hash, const std::string& name) {
        const fs::path out = work / (name + ".html");
        const std::string cmd = browser_command(browser, work / ("profile-" + name)) +
                                " --dump-dom 'file://" + page.string() + hash + "' >" +
                                out.string() + " 2>/dev/null";
        EXPECT_EQ(std::system(cmd.c_str()), 0);
        return attribute(slurp(out), "data-markers");
    };
    const int engine = markers(year_html, "", "engine");
    EXPECT_GT(engine, 0);
    EXPECT_LT(engine, incidents);
    EXPECT_EQ(markers(html, "#from=2022-01-01&to=2022-12-31", "slider"), engine);

    const fs::path shot = build / "map_html.png";
    fs::remove(shot);
    const std::string screenshot = browser_command(browser, work / "profile-shot") +
                                   " --window-size=1400,900 --screenshot=" + shot.string() +
                                   " 'file://" + html.string() + "' >/dev/null 2>" +
                                   (work / "shot.err").string();
    ASSERT_EQ(std::system(screenshot.c_str()), 0) << slurp(work / "shot.err");
    ASSERT_TRUE(fs::exists(shot));
    EXPECT_GT(fs::file_size(shot), 20000U);
    fs::remove_all(work);
}

}  // namespace fergana::testing
