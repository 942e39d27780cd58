//! GEOADD, GEOPOS, GEODIST, GEOHASH and the searches (GEOSEARCH,
//! GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and the _RO forms) side by
//! side with Redis 7.0, byte-identical in RESP2 and RESP3: a fixed script of
//! options and errors, then seeded random points and queries (near the poles,
//! across the antimeridian, with equal distances) in every option mix.

use crate::blocking::{keyspace_events_of, on_both};
use crate::oracle::{compare, compare_generated};

const SCRIPT: &[&[&str]] = &[
    &[
        "GEOADD",
        "Sicily",
        "13.361389",
        "38.115556",
        "Palermo",
        "15.087269",
        "37.502669",
        "Catania",
    ],
    &[
        "GEOADD",
        "Sicily",
        "NX",
        "13.361389",
        "38.115556",
        "Palermo",
        "1",
        "1",
        "x",
    ],
    &[
        "GEOADD", "Sicily", "XX", "13.4", "38.1", "Palermo", "2", "2", "y",
    ],
    &[
        "GEOADD",
        "Sicily",
        "XX",
        "CH",
        "13.361389",
        "38.115556",
        "Palermo",
    ],
    &["GEOADD", "Sicily", "CH", "NX", "3", "3", "z", "4", "4", "x"],
    &["GEOADD", "Sicily", "CH", "XX", "3", "3.5", "z"],
    &["GEOADD", "Sicily", "NX", "XX", "1", "1", "w"],
    &["GEOADD", "Sicily", "GT", "1", "1", "w"],
    &["GEOADD", "Sicily", "CH", "CH", "CH"],
    &["GEOADD", "Sicily", "1", "2"],
    &["GEOADD", "Sicily", "1", "2", "a", "3"],
    &["GEOADD", "Sicily", "200", "100", "bad"],
    &["GEOADD", "Sicily", "-180.0000001", "0", "bad"],
    &["GEOADD", "Sicily", "0", "85.05112879", "bad"],
    &["GEOADD", "Sicily", "180", "85.05112878", "corner"],
    &["GEOADD", "Sicily", "-180", "-85.05112878", "corner2"],
    &["GEOADD", "Sicily", "inf", "0", "bad"],
    &["GEOADD", "Sicily", "0", "-inf", "bad"],
    &["GEOADD", "Sicily", "x", "0", "bad"],
    &["GEOADD", "Sicily", "0", "nan", "bad"],
    &["GEOADD", "Sicily", "1e-400", "0", "bad"],
    &["GEOADD", "Sicily", " 1", "0", "bad"],
    &["GEOADD", "Sicily", "0x10", "0", "hex"],
    &["GEOADD", "Sicily", "1", "2", "ok", "300", "2", "bad"],
    &["EXISTS", "new"],
    &["GEOADD", "new", "XX", "1", "1", "a"],
    &["EXISTS", "new"],
    &["GEOADD", "new", "1", "1", "a"],
    &["OBJECT", "ENCODING", "new"],
    &[
        "GEOADD",
        "new",
        "1",
        "1",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ],
    &["OBJECT", "ENCODING", "new"],
    &["ZRANGE", "Sicily", "0", "-1", "WITHSCORES"],
    &[
        "GEOPOS", "Sicily", "Palermo", "Catania", "nosuch", "corner", "corner2", "hex",
    ],
    &["GEOPOS", "Sicily"],
    &["GEOPOS", "nokey", "a", "b"],
    &[
        "GEOHASH", "Sicily", "Palermo", "Catania", "nosuch", "corner", "corner2", "z",
    ],
    &["GEOHASH", "Sicily"],
    &["GEOHASH", "nokey", "a"],
    &["GEODIST", "Sicily", "Palermo", "Catania"],
    &["GEODIST", "Sicily", "Palermo", "Catania", "m"],
    &["GEODIST", "Sicily", "Palermo", "Catania", "KM"],
    &["GEODIST", "Sicily", "Palermo", "Catania", "mi"],
    &["GEODIST", "Sicily", "Palermo", "Catania", "Ft"],
    &["GEODIST", "Sicily", "Palermo", "Catania", "yd"],
    &["GEODIST", "Sicily", "Palermo", "Catania", "km", "x"],
    &["GEODIST", "Sicily", "Palermo", "Palermo"],
    &["GEODIST", "Sicily", "Palermo", "nosuch"],
    &["GEODIST", "Sicily", "corner", "corner2"],
    &["GEODIST", "nokey", "a", "b"],
    &["GEODIST", "nokey", "a", "b", "yd"],
    // Scores GEOADD did not write still decode, through C's conversion.
    &[
        "ZADD",
        "odd",
        "-1",
        "neg",
        "1e30",
        "huge",
        "inf",
        "pinf",
        "-inf",
        "ninf",
        "4503599627370496",
        "two52",
        "1.5",
        "frac",
        "0",
        "zero",
    ],
    &[
        "GEOPOS", "odd", "neg", "huge", "pinf", "ninf", "two52", "frac", "zero",
    ],
    &[
        "GEOHASH", "odd", "neg", "huge", "pinf", "ninf", "two52", "frac", "zero",
    ],
    &["GEODIST", "odd", "neg", "ninf", "km"],
    &[
        "GEOSEARCH",
        "odd",
        "FROMMEMBER",
        "zero",
        "BYRADIUS",
        "30000",
        "km",
        "WITHHASH",
        "WITHCOORD",
        "WITHDIST",
        "ASC",
    ],
    &[
        "GEOSEARCH",
        "odd",
        "FROMMEMBER",
        "neg",
        "BYBOX",
        "100",
        "100",
        "km",
        "WITHHASH",
    ],
    &["SET", "str", "x"],
    &["GEOADD", "str", "1", "1", "a"],
    &["GEOPOS", "str", "a"],
    &["GEOHASH", "str", "a"],
    &["GEODIST", "str", "a", "b"],
    &["GEODIST", "str", "a", "b", "yd"],
    &["GEORADIUS", "str", "200", "100", "1", "km"],
    &["GEORADIUSBYMEMBER", "str", "a", "1", "km"],
    &[
        "GEOSEARCH",
        "str",
        "FROMLONLAT",
        "0",
        "0",
        "BYRADIUS",
        "1",
        "km",
    ],
    &[
        "GEOSEARCHSTORE",
        "d",
        "str",
        "FROMLONLAT",
        "0",
        "0",
        "BYRADIUS",
        "1",
        "km",
    ],
    // Searches and their errors.
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "ASC",
        "WITHCOORD",
        "WITHDIST",
        "WITHHASH",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "DESC",
        "WITHHASH",
        "WITHDIST",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMMEMBER",
        "Palermo",
        "BYBOX",
        "400",
        "400",
        "km",
        "ASC",
        "WITHDIST",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMMEMBER",
        "Palermo",
        "BYRADIUS",
        "0",
        "km",
        "WITHDIST",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMMEMBER",
        "nosuch",
        "BYRADIUS",
        "10",
        "km",
    ],
    &[
        "GEOSEARCH",
        "nokey",
        "FROMMEMBER",
        "nosuch",
        "BYRADIUS",
        "10",
        "km",
    ],
    &[
        "GEOSEARCH",
        "nokey",
        "FROMMEMBER",
        "nosuch",
        "BYRADIUS",
        "-10",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "-1",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "x",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "1",
        "yd",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYBOX",
        "x",
        "1",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYBOX",
        "1",
        "x",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYBOX",
        "1",
        "-1",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYBOX",
        "-1",
        "x",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYBOX",
        "1",
        "1",
        "yd",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "97",
        "BYRADIUS",
        "1",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "x",
        "37",
        "BYRADIUS",
        "1",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "FROMMEMBER",
        "Palermo",
        "BYRADIUS",
        "1",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMMEMBER",
        "Palermo",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "1",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMMEMBER",
        "Palermo",
        "FROMMEMBER",
        "Catania",
        "BYRADIUS",
        "1",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "1",
        "km",
        "BYBOX",
        "1",
        "1",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "1",
        "km",
        "BYRADIUS",
        "300",
        "km",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "WITHDIST",
        "ASC",
        "COUNT",
        "1",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "BYRADIUS",
        "1",
        "km",
        "WITHDIST",
        "ASC",
    ],
    &[
        "geosearch",
        "Sicily",
        "BYRADIUS",
        "1",
        "km",
        "WITHDIST",
        "ASC",
    ],
    &[
        "GeoSearch",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "WITHDIST",
        "ASC",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "ANY",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "COUNT",
        "0",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "COUNT",
        "-1",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "COUNT",
        "x",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "COUNT",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "COUNT",
        "1",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "COUNT",
        "1",
        "DESC",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "COUNT",
        "1",
        "ANY",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "STORE",
        "d",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "STOREDIST",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "NOSUCH",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYBOX",
        "200",
        "200",
    ],
    &[
        "GEOSEARCHSTORE",
        "d",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
    ],
    &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    &[
        "GEOSEARCHSTORE",
        "d",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "STOREDIST",
        "DESC",
    ],
    &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    &["OBJECT", "ENCODING", "d"],
    &[
        "GEOSEARCHSTORE",
        "d",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "WITHDIST",
    ],
    &[
        "GEOSEARCHSTORE",
        "d",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "STORE",
        "x",
    ],
    &[
        "GEOSEARCHSTORE",
        "d",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "COUNT",
        "1",
        "STOREDIST",
    ],
    &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    &[
        "GEOSEARCHSTORE",
        "d",
        "Sicily",
        "FROMLONLAT",
        "100",
        "0",
        "BYRADIUS",
        "1",
        "km",
    ],
    &["EXISTS", "d"],
    &["SET", "d", "x", "EX", "100"],
    &[
        "GEOSEARCHSTORE",
        "d",
        "nokey",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
    ],
    &["EXISTS", "d"],
    &["SET", "d", "x", "EX", "100"],
    &[
        "GEOSEARCHSTORE",
        "d",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
    ],
    &["TTL", "d"],
    &["TYPE", "d"],
    &["GEORADIUS", "Sicily", "15", "37", "200", "km"],
    &[
        "GEORADIUS",
        "Sicily",
        "15",
        "37",
        "200",
        "km",
        "WITHDIST",
        "WITHCOORD",
        "WITHHASH",
        "ASC",
    ],
    &[
        "GEORADIUS",
        "Sicily",
        "15",
        "37",
        "200",
        "km",
        "COUNT",
        "1",
        "WITHDIST",
    ],
    &[
        "GEORADIUS",
        "Sicily",
        "15",
        "37",
        "200",
        "km",
        "COUNT",
        "2",
        "ANY",
        "DESC",
    ],
    &["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "r"],
    &["ZRANGE", "r", "0", "-1", "WITHSCORES"],
    &[
        "GEORADIUS",
        "Sicily",
        "15",
        "37",
        "200",
        "km",
        "STOREDIST",
        "r",
    ],
    &["ZRANGE", "r", "0", "-1", "WITHSCORES"],
    &[
        "GEORADIUS",
        "Sicily",
        "15",
        "37",
        "200",
        "km",
        "STORE",
        "r",
        "STOREDIST",
        "r2",
    ],
    &["ZRANGE", "r2", "0", "-1", "WITHSCORES"],
    &["EXISTS", "r"],
    &[
        "GEORADIUS",
        "Sicily",
        "15",
        "37",
        "200",
        "mi",
        "STOREDIST",
        "r2",
        "STORE",
        "r3",
    ],
    &["ZRANGE", "r3", "0", "-1", "WITHSCORES"],
    &[
        "GEORADIUS",
        "Sicily",
        "15",
        "37",
        "200",
        "km",
        "STORE",
        "r",
        "WITHDIST",
    ],
    &["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE"],
    &[
        "GEORADIUS",
        "Sicily",
        "15",
        "37",
        "200",
        "km",
        "FROMMEMBER",
        "Palermo",
    ],
    &[
        "GEORADIUS",
        "Sicily",
        "15",
        "37",
        "200",
        "km",
        "BYRADIUS",
        "1",
        "km",
    ],
    &["GEORADIUS", "Sicily", "200", "37", "200", "km"],
    &["GEORADIUS", "Sicily", "15", "37", "-200", "km"],
    &["GEORADIUS", "Sicily", "15", "37", "200", "kmh"],
    &["GEORADIUS", "Sicily", "15", "37", "x", "km"],
    &["GEORADIUS", "nokey", "15", "37", "200", "km"],
    &["GEORADIUS", "nokey", "15", "37", "200", "km", "STORE", "r"],
    &["EXISTS", "r"],
    &[
        "GEORADIUS",
        "nokey",
        "15",
        "37",
        "200",
        "km",
        "WITHDIST",
        "STORE",
        "r",
    ],
    &[
        "GEORADIUS_RO",
        "Sicily",
        "15",
        "37",
        "200",
        "km",
        "WITHDIST",
        "ASC",
    ],
    &[
        "GEORADIUS_RO",
        "Sicily",
        "15",
        "37",
        "200",
        "km",
        "STORE",
        "r",
    ],
    &[
        "GEORADIUS_RO",
        "Sicily",
        "15",
        "37",
        "200",
        "km",
        "STOREDIST",
        "r",
    ],
    &[
        "GEORADIUSBYMEMBER",
        "Sicily",
        "Palermo",
        "200",
        "km",
        "WITHDIST",
        "ASC",
    ],
    &[
        "GEORADIUSBYMEMBER",
        "Sicily",
        "Palermo",
        "200",
        "km",
        "STORE",
        "r",
    ],
    &["ZRANGE", "r", "0", "-1", "WITHSCORES"],
    &["GEORADIUSBYMEMBER", "Sicily", "nosuch", "200", "km"],
    &["GEORADIUSBYMEMBER", "Sicily", "Palermo", "-200", "km"],
    &["GEORADIUSBYMEMBER", "nokey", "nosuch", "-200", "kmh"],
    &[
        "GEORADIUSBYMEMBER",
        "nokey",
        "nosuch",
        "-200",
        "kmh",
        "STORE",
        "r",
    ],
    &[
        "GEORADIUSBYMEMBER",
        "nokey",
        "nosuch",
        "-200",
        "kmh",
        "NOSUCH",
    ],
    &[
        "GEORADIUSBYMEMBER_RO",
        "Sicily",
        "Palermo",
        "200",
        "km",
        "WITHCOORD",
    ],
    &[
        "GEORADIUSBYMEMBER_RO",
        "Sicily",
        "Palermo",
        "200",
        "km",
        "STORE",
        "r",
    ],
    &["GEORADIUS", "Sicily", "15", "37", "200"],
    &["GEORADIUSBYMEMBER", "Sicily", "Palermo", "200"],
    // Extreme areas: infinite sizes, the map's corners, antipodes (whose
    // haversine can round past 1 and give NaN distances).
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "0",
        "0",
        "BYRADIUS",
        "inf",
        "km",
        "ASC",
        "WITHDIST",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "0",
        "0",
        "BYRADIUS",
        "1e308",
        "km",
        "DESC",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "0",
        "0",
        "BYBOX",
        "inf",
        "inf",
        "km",
        "WITHDIST",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "180",
        "85.05112878",
        "BYRADIUS",
        "100",
        "km",
        "WITHDIST",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "-180",
        "-85.05112878",
        "BYBOX",
        "500",
        "500",
        "km",
        "WITHCOORD",
    ],
    &[
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "0",
        "0",
        "BYRADIUS",
        "0",
        "m",
        "COUNT",
        "1",
        "ANY",
    ],
    &[
        "GEORADIUS",
        "Sicily",
        "0",
        "0",
        "20000",
        "km",
        "WITHDIST",
        "ASC",
    ],
    &[
        "GEOADD", "anti", "10", "33.3", "a", "-170", "-33.3", "b", "0.5", "1.5", "c", "-179.5",
        "-1.5", "d", "45", "60", "e", "-135", "-60", "f", "120.7", "12.3", "g", "-59.3", "-12.3",
        "h",
    ],
    &["GEODIST", "anti", "a", "b"],
    &["GEODIST", "anti", "c", "d"],
    &["GEODIST", "anti", "e", "f", "km"],
    &["GEODIST", "anti", "g", "h", "mi"],
    &[
        "GEOSEARCH",
        "anti",
        "FROMMEMBER",
        "a",
        "BYRADIUS",
        "30000",
        "km",
        "WITHDIST",
        "ASC",
    ],
    &[
        "GEOSEARCH",
        "anti",
        "FROMMEMBER",
        "c",
        "BYRADIUS",
        "30000",
        "km",
        "WITHDIST",
        "DESC",
    ],
    &[
        "GEOSEARCH",
        "anti",
        "FROMMEMBER",
        "e",
        "BYRADIUS",
        "30000",
        "km",
        "WITHDIST",
        "ASC",
        "COUNT",
        "3",
    ],
    &[
        "GEOSEARCH",
        "anti",
        "FROMMEMBER",
        "g",
        "BYBOX",
        "40000",
        "40000",
        "km",
        "WITHDIST",
    ],
    &[
        "GEOSEARCHSTORE",
        "antid",
        "anti",
        "FROMMEMBER",
        "a",
        "BYRADIUS",
        "30000",
        "km",
        "STOREDIST",
    ],
    &["ZRANGE", "antid", "0", "-1", "WITHSCORES"],
    &[
        "COMMAND",
        "INFO",
        "geoadd",
        "geodist",
        "geohash",
        "geopos",
        "georadius",
        "georadiusbymember",
        "georadius_ro",
        "georadiusbymember_ro",
        "geosearch",
        "geosearchstore",
    ],
    &[
        "COMMAND",
        "GETKEYS",
        "georadius",
        "k",
        "1",
        "2",
        "3",
        "km",
        "store",
        "a",
        "storedist",
        "b",
    ],
    &[
        "COMMAND",
        "GETKEYSANDFLAGS",
        "georadius",
        "k",
        "1",
        "2",
        "3",
        "km",
        "STORE",
        "a",
    ],
    &[
        "COMMAND",
        "GETKEYS",
        "georadius",
        "k",
        "1",
        "2",
        "3",
        "km",
        "store",
    ],
    &[
        "COMMAND",
        "GETKEYS",
        "georadiusbymember",
        "k",
        "m",
        "3",
        "km",
        "storedist",
        "x",
    ],
    &[
        "COMMAND",
        "GETKEYSANDFLAGS",
        "geosearchstore",
        "d",
        "s",
        "FROMLONLAT",
        "1",
        "2",
        "BYRADIUS",
        "1",
        "km",
    ],
];

#[test]
fn geo_commands_match_redis() {
    compare(SCRIPT, false);
    compare(SCRIPT, true);
}

/// A small xorshift generator: the same script on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `[lo, hi)`, with 6 decimals as clients usually send.
    fn coord(&mut self, lo: f64, hi: f64) -> String {
        let x = lo + (hi - lo) * (self.below(1 << 30) as f64 / (1u64 << 30) as f64);
        format!("{x:.6}")
    }
}

/// Seeded points around a few places (the equator, the antimeridian, near
/// the poles, Europe), some sharing coordinates so that distances tie, then
/// queries mixing every option; each STORE is read back.
fn random_script() -> Vec<Vec<String>> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut script: Vec<Vec<String>> = Vec::new();
    let centres = [
        (0.0, 0.0),
        (179.5, 10.0),
        (-179.5, -10.0),
        (12.0, 45.0),
        (30.0, 82.0),
        (-60.0, -84.0),
        (100.0, 70.0),
    ];
    let mut members = Vec::new();
    for (c, &(lon, lat)) in centres.iter().enumerate() {
        let mut add = vec!["GEOADD".to_string(), "pts".to_string()];
        for i in 0..60 {
            let name = format!("p{c}-{i}");
            let (x, y) = if i % 10 == 9 {
                // Same place as the previous point: equal distances.
                (add[add.len() - 3].clone(), add[add.len() - 2].clone())
            } else {
                let x = (lon + (rng.below(2000) as f64 - 1000.0) / 200.0).clamp(-180.0, 180.0);
                let y = (lat + (rng.below(2000) as f64 - 1000.0) / 300.0).clamp(-85.0, 85.0);
                (format!("{x:.6}"), format!("{y:.6}"))
            };
            add.extend([x, y, name.clone()]);
            members.push(name);
        }
        script.push(add);
    }
    let units = ["m", "km", "mi", "ft"];
    for q in 0..220 {
        let (lon, lat) = centres[rng.below(centres.len() as u64) as usize];
        let from: Vec<String> = if rng.below(2) == 0 {
            let m = &members[rng.below(members.len() as u64) as usize];
            vec!["FROMMEMBER".into(), m.clone()]
        } else {
            vec![
                "FROMLONLAT".into(),
                rng.coord((lon - 3.0f64).max(-180.0), (lon + 3.0f64).min(180.0)),
                rng.coord((lat - 3.0f64).max(-85.0), (lat + 3.0f64).min(85.0)),
            ]
        };
        let unit = units[rng.below(4) as usize];
        let scale = match unit {
            "m" => 1000.0,
            "km" => 1.0,
            "mi" => 0.62,
            _ => 3280.0,
        };
        let size = |rng: &mut Rng| {
            let km = [1.0, 20.0, 150.0, 600.0, 3000.0][rng.below(5) as usize]
                * (0.5 + rng.below(100) as f64 / 100.0);
            format!("{:.3}", km * scale)
        };
        let by: Vec<String> = if rng.below(2) == 0 {
            vec!["BYRADIUS".into(), size(&mut rng), unit.into()]
        } else {
            vec!["BYBOX".into(), size(&mut rng), size(&mut rng), unit.into()]
        };
        let mut opts: Vec<String> = Vec::new();
        match rng.below(3) {
            0 => opts.push("ASC".into()),
            1 => opts.push("DESC".into()),
            _ => {}
        }
        if rng.below(2) == 0 {
            opts.extend(["COUNT".into(), (1 + rng.below(12)).to_string()]);
            if rng.below(3) == 0 {
                opts.push("ANY".into());
            }
        }
        let store = q % 5 == 4;
        if !store {
            for w in ["WITHDIST", "WITHHASH", "WITHCOORD"] {
                if rng.below(2) == 0 {
                    opts.push(w.into());
                }
            }
        }
        let radius_form = rng.below(3) == 0 && by[0] == "BYRADIUS";
        let mut cmd: Vec<String> = Vec::new();
        if radius_form {
            let (name, centre) = if from[0] == "FROMMEMBER" {
                (
                    if store {
                        "GEORADIUSBYMEMBER"
                    } else {
                        "GEORADIUSBYMEMBER_RO"
                    },
                    vec![from[1].clone()],
                )
            } else {
                (
                    if store { "GEORADIUS" } else { "GEORADIUS_RO" },
                    from[1..].to_vec(),
                )
            };
            cmd.push(name.into());
            cmd.push("pts".into());
            cmd.extend(centre);
            cmd.extend(by[1..].iter().cloned());
            cmd.extend(opts);
            if store {
                cmd.extend([
                    if q % 2 == 0 { "STORE" } else { "STOREDIST" }.into(),
                    "out".into(),
                ]);
            }
        } else {
            if store {
                cmd.extend(["GEOSEARCHSTORE".into(), "out".into(), "pts".into()]);
            } else {
                cmd.extend(["GEOSEARCH".into(), "pts".into()]);
            }
            cmd.extend(from);
            cmd.extend(by);
            cmd.extend(opts);
            if store && q % 2 == 1 {
                cmd.push("STOREDIST".into());
            }
        }
        script.push(cmd);
        if store {
            script.push(vec![
                "ZRANGE".into(),
                "out".into(),
                "0".into(),
                "-1".into(),
                "WITHSCORES".into(),
            ]);
        }
        if q % 7 == 0 {
            let a = &members[rng.below(members.len() as u64) as usize];
            let b = &members[rng.below(members.len() as u64) as usize];
            script.push(vec![
                "GEODIST".into(),
                "pts".into(),
                a.clone(),
                b.clone(),
                unit.into(),
            ]);
            script.push(vec!["GEOPOS".into(), "pts".into(), a.clone(), b.clone()]);
            script.push(vec!["GEOHASH".into(), "pts".into(), a.clone(), b.clone()]);
        }
    }
    script
}

#[test]
fn random_geo_searches_match_redis() {
    compare_generated(&random_script());
}

/// The keyspace notifications of these writes, as a pattern subscriber sees
/// them.
fn keyspace_events(port: u16) -> Vec<Vec<u8>> {
    // zadd, geosearchstore, georadiusstore, georadiusstore, del, del: each
    // on __keyspace@0__ and __keyevent@0__ (the NX no-op fires nothing).
    let writes: &[&[&str]] = &[
        &["GEOADD", "g", "13.361389", "38.115556", "Palermo"][..],
        &["GEOADD", "g", "NX", "13.361389", "38.115556", "Palermo"][..],
        &[
            "GEOSEARCHSTORE",
            "d",
            "g",
            "FROMLONLAT",
            "13",
            "38",
            "BYRADIUS",
            "90",
            "km",
        ][..],
        &["GEORADIUS", "g", "13", "38", "90", "km", "STOREDIST", "d2"][..],
        &[
            "GEORADIUSBYMEMBER",
            "g",
            "Palermo",
            "1",
            "km",
            "STORE",
            "d3",
        ][..],
        &["GEORADIUS", "g", "100", "0", "1", "km", "STORE", "d"][..],
        &[
            "GEOSEARCHSTORE",
            "d2",
            "nokey",
            "FROMLONLAT",
            "13",
            "38",
            "BYRADIUS",
            "90",
            "km",
        ][..],
    ];
    keyspace_events_of(port, writes, 12)
}

#[test]
fn geo_keyspace_events_match_redis() {
    on_both(keyspace_events);
}
