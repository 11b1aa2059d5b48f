-- wrk script: request the paths listed in the file named by WRK_PATHS, in turn.
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  paths[#paths + 1] = line
end
local position = 0

request = function()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end
