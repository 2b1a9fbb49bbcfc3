function __pr-build-graph_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-build-graph_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pr-build-graph_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-build-graph_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pr-build-graph_parse_tokens -S
    set -l unparsed_tokens (__pr-build-graph_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pr-build-graph'
        __pr-build-graph_parse_subcommand 1 'o/output=' 'info' 'multi-turn' 'export-queries=' 'split=' 'fold=' 'split-unit=' 'seed=' 'new-users=' 'new-user=+' 'new-llms=' 'new-llm=+' 'shots=' 'line-buffered' 'q/quiet' 'v/verbose' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __pr-build-graph_parse_subcommand -r 1 'version'
        end
    end
end

function __pr-build-graph_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pr-build-graph_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __pr-build-graph_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pr-build-graph_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pr-build-graph_tokens -p)
    if test -z "$(__pr-build-graph_tokens -t)"
        set -l index (count (__pr-build-graph_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pr-build-graph' -f
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_positional "pr-build-graph" -eq 1' -F
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" o output' -l 'output' -s 'o' -d 'The graph file to write (atomically).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'prg\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" info' -l 'info' -d 'Print a JSON summary of the graph file given as input.'
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" multi-turn' -l 'multi-turn' -d 'Read conversations.jsonl and build a multi-turn graph (GMTRouter).'
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" export-queries' -l 'export-queries' -d 'Print the query nodes of a split of the graph file given as input, as pr-route input lines (of a multi-turn graph, its turns, with their conversation and turn number), for pr-eval --queries or --fold-queries.' -rfka 'train val test support'
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" split' -l 'split' -d 'Train/validation/test proportions (default: 70/10/20).' -rfka ''
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" fold' -l 'fold' -d 'Test fold K of N: cut the shuffled split units into N folds, test the K-th and split the rest by --split\'s train/validation ratio (its test part is not used). The N graphs of one --seed test every query once.' -rfka ''
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" split-unit' -l 'split-unit' -d 'What the split assigns: query (no leakage) or node (leaky).' -rfka 'query node'
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" seed' -l 'seed' -d 'Seed for the split and the support sets.' -rfka ''
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" new-users' -l 'new-users' -d 'Hold out the first N users (by order of appearance) as new users.' -rfka ''
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph"' -l 'new-user' -d 'Hold out this user as a new user (repeatable).' -rfka ''
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" new-llms' -l 'new-llms' -d 'Hold out the first M LLMs (by order of appearance) as new LLMs.' -rfka ''
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph"' -l 'new-llm' -d 'Hold out this LLM as a new LLM (repeatable).' -rfka ''
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" shots' -l 'shots' -d 'Few-shot support interactions per new user and per new LLM.' -rfka ''
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" line-buffered' -l 'line-buffered' -d 'Flush every output line (the default when standard output is a terminal).'
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" q quiet' -l 'quiet' -s 'q' -d 'Print nothing on standard error but warnings and errors.'
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" v verbose' -l 'verbose' -s 'v' -d 'Finish with the run\'s time and peak memory on standard error.'
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" version' -l 'version' -d 'Show the version.'
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_positional "pr-build-graph" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pr-build-graph' -n '__pr-build-graph_should_offer_completions_for_flags_or_options "pr-build-graph help" version' -l 'version' -d 'Show the version.'
