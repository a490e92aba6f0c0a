// fergana_bench_reference: checks a W1 answer (fergana proximity --measure border, CSV) on a
// sample of incidents against the brute-force reference of bench/brute_force.hpp.
//
//   fergana_bench_reference w1 INCIDENTS.gpkg W1.csv [--sample 200] [--ids FILE]
//
// --ids FILE checks the incidents listed in FILE (one id a line) instead of a sample: the
// runner sends those where PostGIS and fergana differ by more than 1 m.
//
// Prints the largest difference; exits 1 when a sampled distance is off by more than 1 cm or
// names another pair (unless the two borders are within 1 cm of each other), 2 on bad usage.
#include "bench/brute_force.hpp"
#include "layers/load.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
    // The columns read here (id, border_pair, border_distance_m) are never quoted; other
    // cells may be, so quotes are honoured.
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            cells.emplace_back();
        } else {
            cells.back() += c;
        }
    }
    return cells;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace fergana;
    if (argc < 4 || std::string(argv[1]) != "w1") {
        std::cerr
            << "usage: fergana_bench_reference w1 INCIDENTS W1.csv [--sample N] [--ids FILE]\n";
        return 2;
    }
    std::size_t sample = 200;
    std::set<std::string> ids;
    for (int a = 4; a + 1 < argc; a += 2) {
        const std::string option = argv[a];
        if (option == "--sample") {
            sample = std::strtoul(argv[a + 1], nullptr, 10);
        } else if (option == "--ids") {
            std::ifstream list(argv[a + 1]);
            for (std::string id; std::getline(list, id);) {
                if (!id.empty())
                    ids.insert(id);
            }
        } else {
            std::cerr << "fergana_bench_reference: unknown option " << option << "\n";
            return 2;
        }
    }
    try {
        layers::LoadOptions options;
        options.wanted = {layers::Role::Borders, layers::Role::Incidents};
        options.roles[layers::Role::Incidents] = {argv[2], {}};
        const layers::Dataset data = layers::load_dataset(options);
        std::map<std::string, std::size_t> by_id;
        for (std::size_t i = 0; i < data.incidents.features.size(); ++i)
            by_id[data.incidents.features[i].id] = i;

        std::ifstream in(argv[3]);
        std::string line;
        if (!std::getline(in, line))
            throw std::runtime_error(std::string(argv[3]) + ": empty");
        const std::vector<std::string> header = split_csv_line(line);
        auto column = [&](const char* name) {
            const auto it = std::find(header.begin(), header.end(), name);
            if (it == header.end())
                throw std::runtime_error(std::string(argv[3]) + ": no column " + name);
            return static_cast<std::size_t>(it - header.begin());
        };
        const std::size_t c_id = column("id"), c_pair = column("border_pair"),
                          c_d = column("border_distance_m");
        std::vector<std::vector<std::string>> rows;
        while (std::getline(in, line)) rows.push_back(split_csv_line(line));
        if (rows.size() != data.incidents.features.size()) {
            std::cout << rows.size() << " rows for " << data.incidents.features.size()
                      << " incidents\n";
            return 1;
        }
        const std::size_t step =
            ids.empty() ? std::max<std::size_t>(1, rows.size() / std::max<std::size_t>(1, sample))
                        : 1;
        const bench::BruteForce brute;
        double worst = 0;
        std::size_t checked = 0, off = 0;
        for (std::size_t r = 0; r < rows.size(); r += step) {
            const auto& row = rows[r];
            if (!ids.empty() && ids.count(row.at(c_id)) == 0)
                continue;
            const layers::Incident& incident = data.incidents.features.at(by_id.at(row.at(c_id)));
            const layers::Date date = incident.date ? incident.date->first : layers::Date::today();
            std::vector<std::pair<double, std::string>> per_border;
            for (const layers::Border& b : data.borders.features) {
                if (!b.valid.in_force(date))
                    continue;
                per_border.emplace_back(
                    brute.distance_to_paths_m(b.geometry.lines(), incident.position), b.pair);
            }
            std::sort(per_border.begin(), per_border.end());
            const double ours = std::stod(row.at(c_d));
            // The CSV has 2 decimals: up to 5 mm of rounding.
            const double diff = std::fabs(ours - per_border.at(0).first);
            const bool tie =
                per_border.size() > 1 && per_border[1].first - per_border[0].first < 0.01;
            worst = std::max(worst, diff);
            if (diff > 0.01 || (row.at(c_pair) != per_border[0].second && !tie)) {
                ++off;
                std::cerr << row.at(c_id) << ": " << row.at(c_pair) << " " << ours
                          << " m, brute force " << per_border[0].second << " "
                          << per_border[0].first << " m\n";
            }
            ++checked;
        }
        std::cout << "max diff " << worst << " m over " << checked << " sampled, " << off
                  << " off\n";
        return off == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "fergana_bench_reference: " << e.what() << "\n";
        return 1;
    }
}
