// fergana disputed: border segments by status on a date, and the stretches and zones where
// two claimants' (or two sources') lines of a border are farther apart than a tolerance.
#include "analysis/disputed.hpp"
#include "layers/load.hpp"
#include "tools/command.hpp"
#include "tools/data_options.hpp"
#include "tools/format.hpp"
#include "tools/output_options.hpp"
#include "tools/result_tables.hpp"
#include "tools/units.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <ostream>
#include <set>

namespace fergana::tools {

namespace {

using layers::FieldKind;
using layers::Value;
using nlohmann::ordered_json;

/// '*' (any run) and '?' (any one character), case-insensitive.
bool glob_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    auto eq = [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    };
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || eq(pattern[p], text[t]))) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::string normalise_pair(std::string pair) {
    for (char& c : pair) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto dash = pair.find('-');
    if (dash == std::string::npos)
        return pair;
    std::string a = pair.substr(0, dash);
    std::string b = pair.substr(dash + 1);
    if (b < a)
        std::swap(a, b);
    return a + "-" + b;
}

/// --claimant [LABEL=]PATTERN
struct ClaimantSelector {
    std::string label;  // empty: keep the claimant's own name
    std::string pattern;
};

/// --compare LABEL=SRC[#[FIELD=]PATTERN]
struct CompareSource {
    std::string label;
    std::string source;
    std::string field;    // the source field holding the claimant; empty: the usual mapping
    std::string pattern;  // empty: every feature
};

ClaimantSelector parse_claimant(const std::string& text) {
    ClaimantSelector s;
    const auto eq = text.find('=');
    if (eq == std::string::npos) {
        s.pattern = text;
    } else {
        s.label = text.substr(0, eq);
        s.pattern = text.substr(eq + 1);
        if (s.label.empty())
            throw UsageError("--claimant '" + text + "': empty label before '='",
                             "e.g. --claimant osm2017 or --claimant 'osm2026=OSM relations*'");
    }
    if (s.pattern.empty())
        throw UsageError("--claimant '" + text + "': no claimant or pattern");
    return s;
}

CompareSource parse_compare(const std::string& text) {
    const std::string hint =
        "e.g. --compare 'osm2026=../shared/data/real/border_kgz_tjk_lines.geojson#source=OSM "
        "relations*'";
    CompareSource c;
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 >= text.size()) {
        throw UsageError("--compare '" + text + "' is not LABEL=SOURCE[#[FIELD=]PATTERN]", hint);
    }
    c.label = text.substr(0, eq);
    std::string rest = text.substr(eq + 1);
    const auto hash = rest.rfind('#');
    if (hash != std::string::npos) {
        std::string select = rest.substr(hash + 1);
        rest = rest.substr(0, hash);
        const auto feq = select.find('=');
        if (feq != std::string::npos) {
            c.field = select.substr(0, feq);
            select = select.substr(feq + 1);
            if (c.field.empty())
                throw UsageError("--compare '" + text + "': empty FIELD before '='", hint);
        }
        if (select.empty())
            throw UsageError("--compare '" + text + "': empty pattern after '#'", hint);
        c.pattern = select;
    }
    if (rest.empty())
        throw UsageError("--compare '" + text + "': no source", hint);
    c.source = rest;
    return c;
}

std::string km(double m) {
    return format_number(m / 1000.0, 3);
}

class DisputedCommand final : public Command {
public:
    std::string_view name() const override { return "disputed"; }
    std::string_view summary() const override {
        return "disputed borders by status, and where two claimants' lines disagree";
    }
    std::string_view usage() const override {
        return "[--as-of DATE] [--tolerance DIST] [--pair P] [--claimant [L=]PAT ...] [--compare "
               "L=SRC[#[F=]PAT] ...]\n"
               "       [-o STRETCHES] [--zones FILE] [--segments FILE] [--summary FILE.json] [DATA "
               "OPTIONS]";
    }
    std::string_view description() const override {
        return "1. By status: the borders in force on --as-of whose status is disputed, delimited\n"
               "   (only) or unknown, with their geodesic length by pair and status (--segments).\n"
               "2. By comparing claims: the claims in force, grouped by pair and claimant; every\n"
               "   two claimants of a pair are compared. Stretches where one line is farther than\n"
               "   --tolerance from the other, cut exactly at the tolerance, one line feature per\n"
               "   stretch and claimant with its geodesic length and maximum and mean offset "
               "(-o);\n"
               "   the zones between the lines where they part and rejoin, with their geodesic\n"
               "   area, the country holding each under each line, and the settlements, water and\n"
               "   incidents inside (--zones). Zones thinner than the tolerance count as agreed.\n"
               "3. A summary per pair: each line's length, agreed and disputed length and share,\n"
               "   the Hausdorff distance (table, and JSON with --summary).\n"
               "Claims: the claims role (--claims SRC; map the claimant with --field\n"
               "claims.claimant=FIELD), selected and renamed with --claimant [LABEL=]PATTERN ('*'\n"
               "and '?' wildcards), plus any source given with --compare LABEL=SRC, whose "
               "features\n"
               "may be selected by #PATTERN (on the claimant) or #FIELD=PATTERN. Claims without a\n"
               "pair take --pair. Polygon claims (one country each) give the line they share.\n"
               "Example, the OSM 2017 line against the 2026 one:\n"
               "  fergana disputed --pair KGZ-TJK --tolerance 500m --claimant osm2017 \\\n"
               "    --compare 'osm2026=../shared/data/real/border_kgz_tjk_lines.geojson#source=OSM "
               "relations*'\n"
               "All lengths, offsets and areas are geodesic on WGS84, in metres (see "
               "docs/disputed.md).";
    }

    void declare(OptionSet& options) override {
        m_output.declare(options, "the disputed stretches (lines)");
        options.value({"--zones"}, "FILE", "write the zones between the lines (polygons) to FILE",
                      &m_zones_path);
        options.value({"--segments"}, "FILE", "write the border segments by status (lines) to FILE",
                      &m_segments_path);
        options.value({"--summary"}, "FILE", "write the summary per pair as JSON to FILE",
                      &m_summary_path);
        options.value({"--as-of"}, "DATE", "borders and claims in force on DATE (YYYY-MM-DD)",
                      &m_as_of, "today");
        options.value({"--tolerance"}, "DIST", "lines farther apart than DIST disagree (m or km)",
                      &m_tolerance, "100m");
        options.value({"--pair"}, "P,...",
                      "only these pairs, e.g. KGZ-TJK; also the pair of claims that have none",
                      &m_pairs);
        options.list({"--claimant"}, "[LABEL=]PATTERN",
                     "compare only claimants of the claims role matching PATTERN, named LABEL",
                     &m_claimants);
        options.list({"--compare"}, "LABEL=SRC[#[FIELD=]PATTERN]",
                     "add claimant LABEL: the lines of SRC (those whose FIELD, or claimant, "
                     "matches PATTERN)",
                     &m_compare);
        options.value({"--step"}, "DIST",
                      "mean offsets within DIST/4, medians DIST/2; with zones, samples every DIST",
                      &m_step, "50m");
        options.value({"--merge-gap"}, "DIST",
                      "merge stretches separated by an agreed gap shorter than DIST", &m_merge_gap,
                      "the tolerance");
        options.flag({"--no-zones"}, "do not build the zones (faster)", &m_no_zones);
        options.value({"--threads"}, "N", "worker threads", &m_threads, "all cores");
        m_data.declare(options);
    }

    void validate(const OptionSet&) override {
        m_output.validate();
        m_load = m_data.load_options();
        if (!m_as_of.empty())
            m_options.as_of = parse_date_option(m_as_of, "--as-of");
        if (!m_tolerance.empty())
            m_options.tolerance_m = parse_distance_m(m_tolerance, "--tolerance");
        if (!m_step.empty())
            m_options.max_step_m = parse_distance_m(m_step, "--step");
        if (!m_merge_gap.empty())
            m_options.merge_gap_m = parse_distance_m(m_merge_gap, "--merge-gap", true);
        m_options.threads = parse_threads(m_threads);
        m_load.threads = m_options.threads;
        m_options.zones = !m_no_zones;
        for (const std::string& p : split_list(m_pairs, false)) {
            const std::string n = normalise_pair(p);
            const auto dash = n.find('-');
            if (dash == std::string::npos || dash == 0 || dash + 1 == n.size()) {
                throw UsageError("--pair '" + p + "' is not two codes joined by '-'",
                                 "e.g. --pair KGZ-TJK");
            }
            m_options.pairs.push_back(n);
        }
        for (const std::string& c : m_claimants) m_selectors.push_back(parse_claimant(c));
        for (const std::string& c : m_compare) m_sources.push_back(parse_compare(c));
        if (m_no_zones && !m_zones_path.empty()) {
            throw UsageError("--zones and --no-zones cannot be used together");
        }
        for (const std::string* path : {&m_zones_path, &m_segments_path}) {
            if (!path->empty())
                (void)layers::format_for(*path);
        }
    }

    int run(RunContext& context) override {
        Provenance provenance("disputed", context.argv);
        std::vector<std::string> inputs = m_data.input_paths();
        for (const CompareSource& c : m_sources) inputs.push_back(c.source);
        m_output.check(inputs);
        for (const std::string* path : {&m_zones_path, &m_segments_path, &m_summary_path}) {
            if (path->empty())
                continue;
            if (path == &m_summary_path)
                layers::check_output_path(*path, inputs, m_output.overwrite());
            else
                check_output_file(*path, inputs, m_output.overwrite());
        }
        // SHA-256 of the 2.7 MB bundled GeoPackage costs about as much as reading it.
        provenance.hash_in_background(inputs);

        m_load.wanted = {layers::Role::Countries,   layers::Role::Borders,
                         layers::Role::Claims,      layers::Role::Water,
                         layers::Role::Settlements, layers::Role::Incidents};
        // Without zones, nothing reads the countries (which sides hold a zone) or what lies
        // inside: loading them (country overlaps, polygon validity) cost more than the comparison.
        if (!m_options.zones) m_load.wanted = {layers::Role::Borders, layers::Role::Claims};
        const layers::Dataset data = layers::load_dataset(m_load, context.progress);
        provenance.add_inputs(data);
        std::vector<layers::Claim> claims = select_claims(data);
        for (const CompareSource& c : m_sources) {
            std::vector<layers::Claim> more = load_compare(c, provenance, context);
            claims.insert(claims.end(), std::make_move_iterator(more.begin()),
                          std::make_move_iterator(more.end()));
        }
        assign_pairs(claims);
        provenance.phase("read");

        analysis::DisputedInput input;
        input.borders = data.borders.features;
        input.claims = claims;
        input.countries = data.countries.features;
        input.settlements = data.settlements.features;
        input.water = data.water.features;
        input.incidents = data.incidents.features;
        const analysis::DisputedResult result =
            analysis::analyse_disputed(input, m_options, context.progress);
        provenance.phase("compute");

        provenance.set("as_of", result.as_of.to_string());
        provenance.set("tolerance_m", m_options.tolerance_m);
        provenance.set("step_m", m_options.max_step_m);
        provenance.set("merge_gap_m", m_options.line_options().merge_gap());
        provenance.set("precision_m", m_options.precision_m);
        provenance.set("pairs", m_pairs.empty() ? "all" : m_pairs);
        std::string claimants;
        for (const std::string& c : m_claimants) claimants += (claimants.empty() ? "" : "; ") + c;
        provenance.set("claimants", claimants.empty() ? "all" : claimants);
        std::string compares;
        for (const std::string& c : m_compare) compares += (compares.empty() ? "" : "; ") + c;
        provenance.set("compare", compares);
        provenance.set("zones", m_options.zones ? "built" : "not built");
        provenance.set("zone_plane",
                       "transverse Mercator centred on each pair's extent (shapes only)");

        // Every output is recorded before the first sidecar is written, so each names them all.
        for (const std::string* path : {&m_zones_path, &m_segments_path, &m_summary_path}) {
            if (!path->empty())
                provenance.add_output(*path);
        }
        bool stdout_used = false;
        if (m_output.wanted()) {
            m_output.write(disputed_stretch_table(result), provenance);
            stdout_used = stdout_used || layers::is_standard_output(m_output.path());
        }
        const layers::WriteOptions write = m_output.write_options();
        if (!m_zones_path.empty()) {
            write_with_provenance(disputed_zone_table(input, result), m_zones_path, write,
                                  provenance);
            stdout_used = stdout_used || layers::is_standard_output(m_zones_path);
        }
        if (!m_segments_path.empty()) {
            write_with_provenance(border_status_table(input, result), m_segments_path, write,
                                  provenance);
            stdout_used = stdout_used || layers::is_standard_output(m_segments_path);
        }
        if (!m_summary_path.empty()) {
            layers::write_text_file(m_summary_path, summary_json(result).dump(2) + "\n",
                                    m_output.overwrite());
            provenance.write_beside(m_summary_path, m_output.overwrite());
            stdout_used = stdout_used || layers::is_standard_output(m_summary_path);
        }
        if (!stdout_used)
            print(context.out, data, input, result);
        if (!context.quiet) {
            for (const std::string& note : result.notes)
                context.err << "disputed: " << note << "\n";
        }
        return 0;
    }

private:
    DataOptions m_data;
    OutputOptions m_output;
    layers::LoadOptions m_load;
    std::string m_zones_path, m_segments_path, m_summary_path;
    std::string m_as_of, m_tolerance, m_pairs, m_step, m_merge_gap, m_threads;
    std::vector<std::string> m_claimants, m_compare;
    std::vector<ClaimantSelector> m_selectors;
    std::vector<CompareSource> m_sources;
    bool m_no_zones = false;
    analysis::DisputedOptions m_options;

    /// The claims role, filtered and relabelled by --claimant. With --compare and no
    /// --claimant, the claims role is not compared.
    std::vector<layers::Claim> select_claims(const layers::Dataset& data) const {
        std::vector<layers::Claim> out;
        if (m_selectors.empty()) {
            if (m_sources.empty())
                out = data.claims.features;
            return out;
        }
        std::set<std::string> names;
        for (const layers::Claim& c : data.claims.features) names.insert(c.claimant);
        std::string available;
        for (const std::string& n : names) available += (available.empty() ? "" : ", ") + n;
        for (const ClaimantSelector& s : m_selectors) {
            std::set<std::string> matched;
            for (const std::string& n : names) {
                if (n == s.pattern || glob_match(s.pattern, n))
                    matched.insert(n);
            }
            if (matched.empty()) {
                throw Error(
                    "--claimant '" + s.pattern + "' matches no claimant of the claims layer",
                    Location{data.claims.origin.source, data.claims.origin.layer, {}, "claimant"},
                    available.empty() ? "the claims layer is empty or missing"
                                      : "claimants: " + available);
            }
            if (!s.label.empty() && matched.size() > 1) {
                throw Error(
                    "--claimant '" + s.label + "=" + s.pattern + "' matches " +
                        std::to_string(matched.size()) + " claimants; one label needs one claimant",
                    Location{data.claims.origin.source, data.claims.origin.layer, {}, "claimant"},
                    "claimants: " + available);
            }
            for (const layers::Claim& c : data.claims.features) {
                if (matched.count(c.claimant) == 0)
                    continue;
                layers::Claim copy = c;
                if (!s.label.empty())
                    copy.claimant = s.label;
                out.push_back(std::move(copy));
            }
        }
        return out;
    }

    std::vector<layers::Claim> load_compare(const CompareSource& c, Provenance& provenance,
                                            RunContext& context) const {
        layers::LoadOptions o = m_load;
        o.roles.clear();
        o.data = c.source;
        o.roles[layers::Role::Claims] = layers::RoleSource{c.source, {}};
        o.wanted = {layers::Role::Claims};
        if (!c.field.empty())
            o.fields[layers::Role::Claims]["claimant"] = c.field;
        const layers::Dataset d = layers::load_dataset(o, context.progress);
        provenance.add_inputs(d);
        std::vector<layers::Claim> out;
        std::set<std::string> names;
        for (const layers::Claim& claim : d.claims.features) {
            names.insert(claim.claimant);
            if (!c.pattern.empty() && claim.claimant != c.pattern &&
                !glob_match(c.pattern, claim.claimant))
                continue;
            layers::Claim copy = claim;
            copy.claimant = c.label;
            out.push_back(std::move(copy));
        }
        if (out.empty()) {
            std::string available;
            for (const std::string& n : names) available += (available.empty() ? "" : "; ") + n;
            throw Error(
                "--compare " + c.label + ": no feature of the source matches '" + c.pattern + "'",
                Location{
                    c.source, d.claims.origin.layer, {}, c.field.empty() ? "claimant" : c.field},
                available.empty() ? "the source has no features" : "values: " + available);
        }
        return out;
    }

    void assign_pairs(std::vector<layers::Claim>& claims) const {
        for (layers::Claim& c : claims) {
            if (!c.pair.empty() || c.geometry.has_polygons())
                continue;
            if (m_options.pairs.size() != 1) {
                throw Error("claim lines of '" + c.claimant + "' have no pair",
                            Location{{}, {}, c.ref.id, "pair"},
                            "give the pair they belong to with --pair, e.g. --pair KGZ-TJK");
            }
            c.pair = m_options.pairs.front();
        }
    }

    static void write_with_provenance(const layers::OutputTable& table, const std::string& path,
                                      const layers::WriteOptions& write,
                                      const Provenance& provenance) {
        write_output_file(table, path, write, provenance);
    }

    static ordered_json point_json(geo::LonLat p) { return ordered_json::array({p.lon, p.lat}); }

    static ordered_json side_json(const analysis::LineProfile& p,
                                  const std::vector<analysis::ClaimStretch>& list,
                                  double disputed) {
        ordered_json j;
        j["length_m"] = p.length_m;
        j["agreed_m"] = p.length_m - disputed;
        j["disputed_m"] = disputed;
        j["disputed_share"] = p.length_m > 0.0 ? disputed / p.length_m : 0.0;
        j["stretches"] = list.size();
        j["beyond_tolerance_m"] = p.beyond_tolerance_m;
        j["runs_beyond_tolerance"] = p.runs;
        j["max_offset_m"] = p.max_offset_m;
        j["max_offset_at"] = point_json(p.max_at);
        j["max_offset_nearest"] = point_json(p.max_nearest);
        j["mean_offset_m"] = p.mean_offset_m;
        j["median_offset_m"] = p.median_offset_m;
        return j;
    }

    ordered_json summary_json(const analysis::DisputedResult& result) const {
        ordered_json j;
        j["as_of"] = result.as_of.to_string();
        j["tolerance_m"] = m_options.tolerance_m;
        j["step_m"] = m_options.max_step_m;
        j["merge_gap_m"] = m_options.line_options().merge_gap();
        j["status"] = ordered_json::array();
        for (const analysis::StatusTotal& t : result.totals) {
            j["status"].push_back({{"pair", t.pair},
                                   {"status", layers::to_string(t.status)},
                                   {"segments", t.segments},
                                   {"length_m", t.length_m}});
        }
        j["comparisons"] = ordered_json::array();
        for (const analysis::PairComparison& c : result.comparisons) {
            ordered_json k;
            k["pair"] = c.pair;
            k["claimant"] = c.claimant_a;
            k["other"] = c.claimant_b;
            k["hausdorff_m"] = c.hausdorff_m;
            k[c.claimant_a] = side_json(c.a, c.stretches_a, c.disputed_a_m);
            k[c.claimant_b] = side_json(c.b, c.stretches_b, c.disputed_b_m);
            double area = 0.0;
            for (const analysis::Zone& z : c.zones) area += z.area_m2;
            k["zones"] = c.zones.size();
            k["zone_area_m2"] = area;
            k["confetti_zones"] = c.confetti;
            k["confetti_area_m2"] = c.confetti_area_m2;
            j["comparisons"].push_back(std::move(k));
        }
        j["notes"] = result.notes;
        return j;
    }

    void print(std::ostream& out, const layers::Dataset&, const analysis::DisputedInput& in,
               const analysis::DisputedResult& result) const {
        out << "Borders in force on " << result.as_of.to_string()
            << " by status (disputed, delimited, unknown):\n";
        if (result.totals.empty()) {
            out << "  none\n";
        } else {
            Table t({"pair", "status", "segments", "length_km"});
            for (const analysis::StatusTotal& s : result.totals) {
                t.add({s.pair, std::string(layers::to_string(s.status)), std::to_string(s.segments),
                       km(s.length_m)});
            }
            t.print(out);
        }
        out << "\nClaim lines compared (tolerance " << format_number(m_options.tolerance_m, 0)
            << " m):\n";
        if (result.comparisons.empty()) {
            out << "  none (a pair needs two claimants in force)\n";
            return;
        }
        Table t({"pair", "claimant", "other", "length_km", "agreed_km", "disputed_km", "share",
                 "stretches", "max_offset_m", "hausdorff_m", "zones"});
        for (const analysis::PairComparison& c : result.comparisons) {
            for (int side = 0; side < 2; ++side) {
                const analysis::LineProfile& p = side == 0 ? c.a : c.b;
                const double disputed = side == 0 ? c.disputed_a_m : c.disputed_b_m;
                const std::size_t n = side == 0 ? c.stretches_a.size() : c.stretches_b.size();
                t.add({c.pair, side == 0 ? c.claimant_a : c.claimant_b,
                       side == 0 ? c.claimant_b : c.claimant_a, km(p.length_m),
                       km(p.length_m - disputed), km(disputed),
                       format_number(p.length_m > 0 ? 100.0 * disputed / p.length_m : 0.0, 1) + "%",
                       std::to_string(n), format_number(p.max_offset_m, 1),
                       format_number(c.hausdorff_m, 1), std::to_string(c.zones.size())});
            }
        }
        t.print(out);
        constexpr std::size_t shown = 10;
        for (const analysis::PairComparison& c : result.comparisons) {
            if (c.zones.empty())
                continue;
            out << "\nZones between " << c.claimant_a << " and " << c.claimant_b << " (" << c.pair
                << "), largest first:\n";
            Table z({"zone", "area_km2", "width_m", "under " + c.claimant_a,
                     "under " + c.claimant_b, "settlements", "population", "water", "incidents"});
            for (std::size_t i = 0; i < c.zones.size() && i < shown; ++i) {
                const analysis::Zone& zone = c.zones[i];
                z.add(
                    {zone.id, format_number(zone.area_m2 / 1e6, 3), format_number(zone.width_m, 0),
                     zone.holder_a.empty() ? (zone.side_a.empty() ? "?" : zone.side_a + " of line")
                                           : zone.holder_a,
                     zone.holder_b.empty() ? (zone.side_b.empty() ? "?" : zone.side_b + " of line")
                                           : zone.holder_b,
                     std::to_string(zone.settlements.size()), std::to_string(zone.population),
                     std::to_string(zone.water.size()), std::to_string(zone.incidents.size())});
            }
            z.print(out);
            if (c.zones.size() > shown) {
                out << "  ... and " << c.zones.size() - shown
                    << " more (write them all with --zones FILE)\n";
            }
            (void)in;
        }
    }
};

}  // namespace

std::unique_ptr<Command> make_disputed_command() {
    return std::make_unique<DisputedCommand>();
}

}  // namespace fergana::tools
