#pragma once
// Internal to layers/: conversion between OGR geometries and geo::Geometry.

#include "geo/geometry.hpp"

#include <ogr_geometry.h>

#include <memory>

namespace fergana::layers::detail {

struct ConversionNotes {
    bool dropped_z_or_m = false;  // the source had Z or M values; we keep lon/lat only
    bool linearised = false;      // curves were approximated by line segments
    int closed_rings = 0;         // rings whose last vertex did not repeat the first
    int dropped_rings = 0;        // rings with fewer than 4 vertices after closing
};

/// Converts any OGR geometry (2D, 3D, measured, curved, collections) to geo::Geometry.
geo::Geometry from_ogr(const OGRGeometry& geometry, ConversionNotes& notes);

/// Converts back for writing. Points, lines and polygons of a collection become a
/// GeometryCollection; single parts become the single type.
std::unique_ptr<OGRGeometry> to_ogr(const geo::Geometry& geometry);

}  // namespace fergana::layers::detail
